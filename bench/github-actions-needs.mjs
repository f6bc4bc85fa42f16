// The `needs` of `execplan export github-actions` on the PSPLIB J30 fixtures: how many edges of each kind,
// how many are left after the transitive reduction, how many hand-overs had to wait for a running task,
// and the makespan of the workflow when every job takes its estimate (ASAP over the needs) against the
// compiled rolling-frontier makespan. Run after `npm run build`: node bench/github-actions-needs.mjs
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { smToPlanYaml } from './psplib-convert.mjs';
import { loadPlan } from '../dist/compiler/load.js';
import { compilePlan } from '../dist/compiler/compile.js';
import { handoverNeeds } from '../dist/exporters/github-actions/flow.js';

const dir = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'psplib');
console.log('| instance | limit | precedence | flow | needs after reduction | forced | workflow makespan | frontier makespan |');
console.log('|---|---|---|---|---|---|---|---|');
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.sm'))
  .sort()) {
  for (const limit of [null, 4]) {
    const model = loadPlan('plan.yaml', smToPlanYaml(readFileSync(path.join(dir, file), 'utf8'), 'psplib')).model;
    if (limit) model.settings.maxConcurrency = limit;
    const compiled = compilePlan(model);
    const flow = handoverNeeds(compiled, model.settings.maxConcurrency);
    const hours = new Map(model.tasks.map((t) => [t.id, t.hours]));
    const finish = new Map();
    for (const id of flow.order) finish.set(id, Math.max(0, ...flow.needs.get(id).map((d) => finish.get(d))) + hours.get(id));
    console.log(
      `| ${file} | ${limit ?? 'none'} | ${flow.edges.precedence} | ${flow.edges.flow} | ${flow.reducedEdges} | ${flow.forced} | ${Math.max(...finish.values())} | ${compiled.frontier.makespanHours} |`,
    );
  }
}
