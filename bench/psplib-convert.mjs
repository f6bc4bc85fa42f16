// PSPLIB single-mode .sm file -> plan.yaml text: one task per real job (the zero-duration source and sink
// are dropped), estimate = duration in hours, needs = real predecessors, resources R1..R4 with the
// instance's availabilities, concurrency large enough never to bind.
import { existsSync } from 'node:fs';
import path from 'node:path';

export function parseSm(text) {
  const lines = text.split(/\r?\n/);
  const jobs = Number(/jobs \(incl\. supersource\/sink \):\s*(\d+)/.exec(text)[1]);
  const at = (label) => lines.findIndex((l) => l.startsWith(label));
  const successors = [];
  let k = at('PRECEDENCE RELATIONS:') + 2;
  for (let j = 0; j < jobs; j++, k++) {
    const parts = lines[k].trim().split(/\s+/).map(Number);
    successors.push(parts.slice(3));
  }
  const durations = [];
  const requests = [];
  k = at('REQUESTS/DURATIONS:') + 3;
  for (let j = 0; j < jobs; j++, k++) {
    const parts = lines[k].trim().split(/\s+/).map(Number);
    durations.push(parts[2]);
    requests.push(parts.slice(3));
  }
  k = at('RESOURCEAVAILABILITIES:') + 2;
  const capacities = lines[k].trim().split(/\s+/).map(Number);
  return { jobs, successors, durations, requests, capacities };
}

export function smToPlanYaml(text, name = 'psplib') {
  return instanceToPlanYaml(parseSm(text), name);
}

/** The same conversion from a parsed (or generated, bench/gen-rcpsp.mjs) instance. */
export function instanceToPlanYaml(sm, name = 'psplib') {
  const preds = Array.from({ length: sm.jobs + 1 }, () => []);
  sm.successors.forEach((succ, j) => {
    for (const s of succ) preds[s].push(j + 1);
  });
  const real = (job) => job > 1 && job < sm.jobs;
  const out = [
    'version: 1',
    `name: ${name}`,
    `settings: { max_concurrency: ${sm.jobs * 10}, max_wave_size: ${sm.jobs * 10} }`,
    'resources:',
    ...sm.capacities.map((c, r) => `  R${r + 1}: { capacity: ${Math.max(1, c)} }`),
    'tasks:',
  ];
  for (let job = 2; job < sm.jobs; job++) {
    const needs = preds[job].filter(real).map((p) => `j${p}`);
    const req = sm.requests[job - 1].map((u, r) => [`R${r + 1}`, u]).filter(([, u]) => u > 0);
    out.push(
      `  - id: j${job}`,
      `    title: Run job ${job}`,
      `    estimate: ${sm.durations[job - 1]}`,
      ...(needs.length ? [`    needs: [${needs.join(', ')}]`] : []),
      ...(req.length ? [`    resources: { ${req.map(([r, u]) => `${r}: ${u}`).join(', ')} }`] : []),
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * The PSPLIB data folder: ../shared/bench-data/psplib beside the repo (a git worktree one level deeper
 * also finds it); BENCH_DATA overrides. Throws with what to do when it is missing.
 */
export function psplibDataDir(root) {
  const dir = [process.env.BENCH_DATA, path.resolve(root, '../shared/bench-data'), path.resolve(root, '../../shared/bench-data')]
    .filter(Boolean)
    .map((d) => path.join(d, 'psplib'))
    .find((d) => existsSync(d));
  if (!dir) throw new Error('PSPLIB data not found: expected ../shared/bench-data/psplib next to the repo (or set BENCH_DATA)');
  return dir;
}
