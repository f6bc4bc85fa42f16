// Random layered DAG plans for scaling benches: ~sqrt(n)-wide layers, ~3 edges per task to earlier
// layers, 4 resources (one exclusive), files from a pool, mixed estimates. Seeded, so reproducible.
export function layeredPlanYaml(n, seed = 1) {
  let s = seed >>> 0;
  const r = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const width = Math.max(1, Math.round(Math.sqrt(n) * 2));
  const lines = [
    'version: 1',
    `name: layered-${n}`,
    'settings: { max_concurrency: 16, max_wave_size: 30 }',
    'resources:',
    '  db-migrations: { capacity: 1 }',
    '  test-db: { capacity: 3 }',
    '  gpu: { capacity: 2 }',
    '  staging: { capacity: 4 }',
    'phases: [{ id: build }, { id: verify }]',
    'tasks:',
  ];
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / width);
    const needs = new Set();
    if (layer > 0) {
      const k = 1 + Math.floor(r() * 5);
      for (let e = 0; e < k; e++) {
        const back = 1 + Math.floor(r() * Math.min(3, layer));
        const target = (layer - back) * width + Math.floor(r() * width);
        if (target < i) needs.add(`t${target}`);
      }
    }
    const res = [];
    if (r() < 0.02) res.push('db-migrations: 1');
    if (r() < 0.1) res.push('test-db: 1');
    if (r() < 0.05) res.push('gpu: 1');
    if (r() < 0.1) res.push(`staging: ${1 + Math.floor(r() * 2)}`);
    const est = r() < 0.3 ? `{ optimistic: 1, likely: ${2 + Math.floor(r() * 4)}, pessimistic: 9 }` : `${1 + Math.floor(r() * 8)}`;
    // One flow mapping per task keeps 50,000 tasks under the loader's 8 MiB limit.
    const fields = [`id: t${i}`, `title: Build c${i}`, `estimate: ${est}`, `phase: ${i >= n * 0.9 ? 'verify' : 'build'}`];
    if (needs.size) fields.push(`needs: [${[...needs].join(', ')}]`);
    if (res.length) fields.push(`resources: { ${res.join(', ')} }`);
    if (r() < 0.3) fields.push(`files: ["src/mod${Math.floor((r() * n) / 4)}/**"]`);
    fields.push('acceptance: [ok]');
    lines.push(`  - { ${fields.join(', ')} }`);
  }
  return `${lines.join('\n')}\n`;
}
