// Shared by the runner benches: a deterministic layered DAG of no-op tasks, as plan.yaml and as a Makefile.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** layers x width tasks; each task after the first layer needs two tasks of the layer before it. */
export function layeredDag(tasks = 1000, width = 100) {
  const layers = Math.ceil(tasks / width);
  const nodes = [];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < width && nodes.length < tasks; i++) {
      const id = `t${l}_${i}`;
      const deps = l === 0 ? [] : [`t${l - 1}_${i}`, `t${l - 1}_${(i * 7 + 3) % width}`].filter((d, k, a) => a.indexOf(d) === k);
      nodes.push({ id, deps });
    }
  }
  return nodes;
}

export function writeWorkspace(nodes, command = 'true') {
  const dir = mkdtempSync(path.join(tmpdir(), 'execplan-bench-'));
  const yaml = ['version: 1', 'name: bench', 'title: Bench', 'settings: { max_concurrency: 4 }', 'tasks:'];
  for (const n of nodes)
    yaml.push(`  - { id: ${n.id}, title: Run ${n.id}, run: "${command}", estimate: 1, acceptance: [done]${n.deps.length ? `, needs: [${n.deps.join(', ')}]` : ''} }`);
  writeFileSync(path.join(dir, 'plan.yaml'), `${yaml.join('\n')}\n`);
  const make = [`.PHONY: all ${nodes.map((n) => n.id).join(' ')}`, `all: ${nodes.map((n) => n.id).join(' ')}`];
  for (const n of nodes) make.push(`${n.id}: ${n.deps.join(' ')}`, `\t@${command}`);
  writeFileSync(path.join(dir, 'Makefile'), `${make.join('\n')}\n`);
  return dir;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
