// Seeded PSPLIB-like RCPSP instances (single mode, 4 renewable resources), generated the way ProGen
// (Kolisch, Sprecher & Drexl 1995) builds the PSPLIB sets, so sets larger than J30 can be made here
// instead of downloaded. Parameters:
//   network complexity NC = arcs / nodes (source and sink and their arcs included): 1.5, 1.8, 2.1
//   resource factor RF = share of the 4 resources each job uses: 0.25, 0.5, 0.75, 1
//   resource strength RS in [0, 1]: capacity = Kmin + RS (Kmax - Kmin), Kmin = the largest single demand,
//     Kmax = the peak demand of the earliest-start schedule without resource limits
// Durations 1-10, demands 1-10, at most 3 start and 3 finish jobs, at most 3 predecessors and 3 successors
// per job, no redundant arcs. The result has the shape of bench/psplib-convert.mjs's parseSm.

/** mulberry32: small, fast, seeded. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateInstance({ jobs: n, nc, rf, rs, seed, resources = 4 }) {
  const r = random(seed);
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const total = n + 2; // 0 = source, n + 1 = sink (PSPLIB numbers them 1 and n + 2)
  const maxDegree = 3;
  const starts = int(2, 3);
  const finishes = int(2, 3);
  const succ = Array.from({ length: total }, () => new Set());
  const pred = Array.from({ length: total }, () => new Set());
  const link = (a, b) => {
    succ[a].add(b);
    pred[b].add(a);
  };
  const isStart = (j) => j >= 1 && j <= starts;
  const isFinish = (j) => j >= n - finishes + 1 && j <= n;
  for (let j = 1; j <= starts; j++) link(0, j);
  for (let j = n - finishes + 1; j <= n; j++) link(j, n + 1);
  // Every non-start job gets a predecessor among the earlier non-finish jobs, every non-finish job a successor.
  for (let j = starts + 1; j <= n; j++) {
    const options = [];
    for (let i = 1; i < j; i++) if (!isFinish(i) && succ[i].size < maxDegree) options.push(i);
    link(options.length ? options[Math.floor(r() * options.length)] : int(1, Math.min(starts, j - 1)), j);
  }
  for (let i = 1; i <= n; i++) {
    if (isFinish(i) || succ[i].size > 0) continue;
    const options = [];
    for (let j = i + 1; j <= n; j++) if (!isStart(j) && pred[j].size < maxDegree) options.push(j);
    link(i, options.length ? options[Math.floor(r() * options.length)] : n - int(0, finishes - 1));
  }
  // Transitive closure (reach[a][b]: a path a -> b), to keep every added arc non-redundant.
  const reach = Array.from({ length: total }, () => new Uint8Array(total));
  for (let a = total - 1; a >= 0; a--)
    for (const b of succ[a]) {
      reach[a][b] = 1;
      for (let c = 0; c < total; c++) if (reach[b][c]) reach[a][c] = 1;
    }
  const arcs = () => succ.reduce((sum, x) => sum + x.size, 0);
  const target = Math.round(nc * total);
  for (let attempt = 0, count = arcs(); count < target && attempt < 200 * total; attempt++) {
    const i = int(1, n - 1);
    const j = int(i + 1, n);
    if (isFinish(i) || isStart(j) || succ[i].size >= maxDegree || pred[j].size >= maxDegree) continue;
    if (reach[i][j]) continue; // already implied (or present)
    // An existing arc a -> b between real jobs becomes redundant when a reaches i (or is i) and j reaches b (or is b).
    let redundant = false;
    for (let a = 1; a <= n && !redundant; a++) {
      if (a !== i && !reach[a][i]) continue;
      for (const b of succ[a]) if (b <= n && (b === j || reach[j][b])) redundant = true;
    }
    if (redundant) continue;
    link(i, j);
    count++;
    for (let a = 0; a < total; a++) {
      if (a !== i && !reach[a][i]) continue;
      reach[a][j] = 1;
      for (let c = 0; c < total; c++) if (reach[j][c]) reach[a][c] = 1;
    }
  }
  const durations = Array.from({ length: total }, (_, j) => (j === 0 || j === n + 1 ? 0 : int(1, 10)));
  const used = Math.max(1, Math.round(rf * resources));
  const requests = Array.from({ length: total }, (_, j) => {
    const row = new Array(resources).fill(0);
    if (j === 0 || j === n + 1) return row;
    const pool = Array.from({ length: resources }, (_, k) => k);
    for (let k = 0; k < used; k++) row[pool.splice(Math.floor(r() * pool.length), 1)[0]] = int(1, 10);
    return row;
  });
  // Earliest starts (jobs are numbered in a topological order), then the peak demand per resource.
  const es = new Array(total).fill(0);
  for (let j = 0; j < total; j++) for (const s of succ[j]) es[s] = Math.max(es[s], es[j] + durations[j]);
  const horizon = es[n + 1];
  const capacities = Array.from({ length: resources }, (_, k) => {
    const kmin = Math.max(0, ...requests.map((row) => row[k]));
    const usage = new Array(horizon + 1).fill(0);
    for (let j = 1; j <= n; j++) for (let t = es[j]; t < es[j] + durations[j]; t++) usage[t] += requests[j][k];
    const kmax = Math.max(0, ...usage);
    return Math.round(kmin + rs * (kmax - kmin));
  });
  return {
    jobs: total,
    successors: succ.map((s) => [...s].sort((a, b) => a - b).map((x) => x + 1)),
    durations,
    requests,
    capacities,
    criticalPath: horizon,
  };
}

/**
 * Instances per parameter combination: 3 NC x 4 RF x the RS values, `perCell` of each, seeded from the set
 * and combination. The default (one per cell, RS up to 0.7) is the set measured since the start; `psplibSet`
 * is the one with PSPLIB's own J60/J120 parameters.
 */
export function generateSet(jobs, rsValues = [0.1, 0.2, 0.3, 0.5, 0.7], perCell = 1, { prefix = `j${jobs}`, seedBase = jobs * 1000 } = {}) {
  const out = [];
  let k = 0;
  for (const nc of [1.5, 1.8, 2.1]) {
    for (const rf of [0.25, 0.5, 0.75, 1]) {
      for (const rs of rsValues) {
        for (let copy = 0; copy < perCell; copy++) {
          k++;
          out.push({ name: `${prefix}-${k}`, nc, rf, rs, instance: generateInstance({ jobs, nc, rf, rs, seed: seedBase + k }) });
        }
      }
    }
  }
  return out;
}

/**
 * PSPLIB's J120 parameters exactly: RS 0.1-0.5 (the set the literature reports on), `perCell` per cell; another
 * `seedBase` gives a fresh set of the same kind. (PSPLIB's J30 and J60 use RS 0.2 / 0.5 / 0.7 / 1, so `60p` is a
 * harder set than J60, not its analogue.)
 */
export const psplibStrengths = [0.1, 0.2, 0.3, 0.4, 0.5];
export function psplibSet(jobs, perCell = 2, seedBase = jobs * 1000 + 500_000) {
  return generateSet(jobs, psplibStrengths, perCell, { prefix: `j${jobs}p`, seedBase });
}
