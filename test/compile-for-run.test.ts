// compileForRun (what `execplan run` compiles) gives exactly compilePlan's conflicts and frontier schedule,
// without the parts only the artifacts show; the runner's launch order follows it. compileForAnalysis
// (what validate analyzes) gives the same analysis as the full compile.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { analyzePlan } from '../src/compiler/analysis/index.js';
import { compileForAnalysis, compileForRun, compilePlan } from '../src/compiler/compile.js';
import { buildRunPlan } from '../src/runner/plan-view.js';
import { smToPlanYaml } from '../bench/psplib-convert.mjs';
import { modelOf } from './helpers/cli.js';
import { planYaml, randomPlan } from './helpers/random-plan.js';

const root = path.resolve(import.meta.dirname, '..');

function plans(): Array<[string, string]> {
  const out: Array<[string, string]> = [['examples/auth', readFileSync(path.join(root, 'examples/auth/plan.yaml'), 'utf8')]];
  const psplib = path.join(root, 'test/fixtures/psplib');
  for (const f of readdirSync(psplib)
    .filter((f) => f.endsWith('.sm'))
    .slice(0, 2))
    out.push([f, smToPlanYaml(readFileSync(path.join(psplib, f), 'utf8'))]);
  for (const seed of [1, 2, 3]) out.push([`random plan ${seed}`, planYaml(randomPlan(seed))]);
  return out;
}

t.test('compileForRun: the same conflicts and frontier as compilePlan, nothing else', async (t) => {
  for (const [name, text] of plans()) {
    const model = modelOf(text);
    const full = compilePlan(model);
    const run = compileForRun(model);
    t.same(Object.keys(run).sort(), ['conflicts', 'frontier', 'model', 'waves'], `${name}: only what the runner reads`);
    // The waves only for a wave_based run (its barriers); a rolling-frontier run does not build them.
    t.same(run.waves, model.settings.executionModel === 'wave_based' ? full.waves : null, `${name}: waves only when they are barriers`);
    t.same(run.frontier, full.frontier, `${name}: the same frontier schedule`);
    t.same(run.conflicts, full.conflicts, `${name}: the same file conflicts`);
    // The launch order a run uses is the frontier's order (ties by plan order).
    const ranks = buildRunPlan(model, '/tmp', text, 'run');
    const byRank = [...ranks.tasks.values()].sort((a, b) => a.rank - b.rank).map((x) => x.model.id);
    const starts = new Map(full.frontier.schedule.map((s) => [s.task, s.start]));
    const index = new Map(model.tasks.map((x) => [x.id, x.index]));
    const expected = model.tasks.map((x) => x.id).sort((a, b) => starts.get(a)! - starts.get(b)! || index.get(a)! - index.get(b)!);
    t.same(byRank, expected, `${name}: launch order = frontier start, then plan order`);
  }
});

t.test('compileForAnalysis: the graph values, quality and contested files of compilePlan, and the same analysis', async (t) => {
  const contested = [{ file: 'src/shared.ts', count: 3 }];
  for (const [name, text] of plans()) {
    const model = modelOf(text);
    const full = compilePlan(model, { contested });
    const part = compileForAnalysis(model, { contested });
    t.same(Object.keys(part).sort(), ['contested', 'graph', 'model', 'quality'], `${name}: no schedules`);
    const { edges, criticalPathHours, metrics } = full.graph;
    t.same(part.graph, { edges, criticalPathHours, metrics: { edgeDensity: metrics.edgeDensity } }, `${name}: the graph values the analysis reads`);
    t.same(part.quality, full.quality, `${name}: the same quality metrics`);
    t.same(part.contested, full.contested, `${name}: the same contested files`);
    t.same(analyzePlan(part), analyzePlan(full), `${name}: the same planning analysis`);
  }
});
