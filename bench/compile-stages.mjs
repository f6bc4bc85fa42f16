// In-process CPU of each stage of `execplan compile` on one plan: the front end, the back half, the
// redaction and every renderer, so a profile can be read as "where the time goes" per artifact.
// Usage: npm run build && node bench/compile-stages.mjs [plan.yaml | tasks=10000] [root=this checkout]
//   root: another checkout's built dist/ (e.g. a build of main) to compare stage by stage.
//   CPU=thread: the main thread's own CPU (Linux, /proc/self/task/<pid>/stat, 10 ms ticks) instead of the
//   process's, which also counts V8's garbage-collector helper threads (~1 s of a 10,000-task compile).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { layeredPlanYaml } from './gen-layered.mjs';

const root = path.resolve(process.argv[3] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const load = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);
const { loadPlan } = await load('compiler/load.js');
const { compilePlan } = await load('compiler/compile.js');
const { analyzePlan } = await load('compiler/analysis/index.js');
const { redactDeep } = await load('compiler/artifacts/redact.js');
const { renderDag } = await load('compiler/artifacts/dag-json.js');
const { renderWaves } = await load('compiler/artifacts/waves-json.js');
const { renderTasksJson } = await load('compiler/artifacts/tasks-json.js');
const { renderFeaturesJson } = await load('compiler/artifacts/features-json.js');
const { renderCoordinatorJson } = await load('compiler/artifacts/coordinator-json.js');
const markdown = await load('compiler/artifacts/markdown.js');
const beads = await load('compiler/artifacts/beads.js');
const { loadArtifactTemplates } = await load('cli/templates.js');

const arg = process.argv[2] ?? '10000';
const text = /^\d+$/.test(arg) ? layeredPlanYaml(Number(arg), 1) : readFileSync(arg, 'utf8');
const threadCpu = () => {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const cpu =
  process.env.CPU === 'thread'
    ? threadCpu
    : () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1e6;
      };
const seconds = {};
const stage = (name, run) => {
  const start = cpu();
  const value = run();
  seconds[name] = cpu() - start;
  return value;
};
const loaded = stage('loadPlan', () => loadPlan('plan.yaml', text));
if (!loaded.ok) throw new Error('the plan does not load');
const compiled = stage('compilePlan', () => compilePlan(loaded.value.model));
const analysis = stage('analyzePlan', () => analyzePlan(compiled));
const shown = stage('redaction', () => redactDeep({ compiled, analysis, diagnostics: loaded.value.diagnostics }));
const templates = await loadArtifactTemplates();
const timestamp = '2026-01-01T00:00:00Z';
const ctx = { compiled: shown.compiled, analysis: shown.analysis, timestamp, version: '0.0.0', planText: text, planFile: 'plan.yaml', warnings: [] };
stage('dag.json', () => renderDag(shown.compiled, shown.diagnostics, timestamp));
stage('waves.json', () => renderWaves(shown.compiled, timestamp));
stage('features.json', () => renderFeaturesJson(ctx));
stage('tasks.json', () => renderTasksJson(ctx));
stage('coordinator.json', () => renderCoordinatorJson(ctx));
stage('Plan.md', () => markdown.renderPlanMd(ctx, templates));
stage('Decisions.md', () => markdown.renderDecisionsMd(ctx, templates));
// beadsJsonlPieces or beadsJsonl where the build has it (the issues printed as they are made), as emitArtifacts renders it.
stage('beads.jsonl', () =>
  beads.beadsJsonlPieces
    ? beads.beadsJsonlPieces(shown.compiled, { timestamp })
    : beads.beadsJsonl
      ? beads.beadsJsonl(shown.compiled, { timestamp })
      : beads.renderBeadsJsonl(beads.buildBeadsIssues(shown.compiled, { timestamp })),
);
console.log(
  Object.entries(seconds)
    .map(([name, s]) => `${name} ${s.toFixed(2)} s`)
    .join(', '),
  `; rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`,
);
