// Why the compiler does not use the `toposort` package: node bench/toposort-depth.mjs (build first).
// A chain listed last-to-first makes toposort recurse once per task; the compiler's Kahn order is iterative.
import { createRequire } from 'node:module';
import { loadPlan } from '../dist/compiler/load.js';
import { analyzeGraph } from '../dist/compiler/graph/analyze.js';

const toposort = createRequire(import.meta.url)('toposort');
for (const n of [5000, 10000, 50000]) {
  const edges = [];
  for (let i = n - 1; i >= 1; i--) edges.push([`t${i - 1}`, `t${i}`]);
  let verdict;
  const t0 = performance.now();
  try {
    toposort(edges);
    verdict = `ok in ${(performance.now() - t0).toFixed(0)} ms`;
  } catch (error) {
    verdict = `${error.constructor.name}: ${error.message}`;
  }
  const lines = ['version: 1', 'name: chain', 'tasks:'];
  for (let i = n - 1; i >= 0; i--) lines.push(`  - { id: t${i}, title: Run step ${i}, estimate: 1${i > 0 ? `, needs: [t${i - 1}]` : ''} }`);
  const { model } = loadPlan('chain.yaml', `${lines.join('\n')}\n`).value;
  const t1 = performance.now();
  const { graph } = analyzeGraph(model);
  const ours = `ok in ${(performance.now() - t1).toFixed(0)} ms (order, layers, reduction, critical path ${graph.criticalPathHours} h)`;
  console.log(`| ${n} | ${verdict} | ${ours} |`);
}
