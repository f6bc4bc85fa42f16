// In-process CPU of each stage of `execplan validate` on a 10,000-task plan, each run in a fresh process
// (so every stage pays its first-run cost, as the CLI does), medians over the runs; garbage collection is
// charged to the stage that triggers it.
// Usage: npm run build && node bench/frontend-stages.mjs [runs=5] [tasks=10000] [other root ...]
//   other roots: other checkouts' built dist/ (e.g. a build of main), measured interleaved in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { layeredPlanYaml } from './gen-layered.mjs';

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === '--child') {
  const [, , , root, file] = process.argv;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e3;
  };
  const ms = {};
  const stage = async (name, run) => {
    const start = cpu();
    const value = await run();
    ms[name] = (ms[name] ?? 0) + cpu() - start;
    return value;
  };
  const load = (p) => import(pathToFileURL(path.join(root, 'dist', p)).href);
  const { parseSource } = await stage('module loading', () => load('compiler/source.js'));
  const { checkSchema } = await stage('module loading', () => load('compiler/schema-check.js'));
  const { checkSemantics } = await stage('module loading', () => load('compiler/semantic.js'));
  const { normalizePlan, resolveSettings } = await stage('module loading', () => load('compiler/normalize.js'));
  const { scanSecrets } = await stage('module loading', () => load('secrets/scan.js'));
  const { compileForAnalysis } = await stage('module loading', () => load('compiler/compile-analysis.js'));
  const { analyzePlan } = await stage('module loading', () => load('compiler/analysis/index.js'));
  const { reviewRules } = await stage('module loading', () => load('compiler/analysis/review-rules.js'));
  const text = readFileSync(file, 'utf8');
  const parsed = await stage('parse', () => parseSource('plan.yaml', text));
  const schema = await stage('schema', () => checkSchema(parsed.source, parsed.value));
  if (schema.length) throw new Error('schema errors');
  const settings = resolveSettings(parsed.value);
  await stage('semantic', () => checkSemantics(parsed.source, parsed.value, settings));
  const model = await stage('normalize', () => normalizePlan(parsed.value));
  await stage('secret scan', () => scanSecrets(text));
  const analyzed = await stage('compileForAnalysis', () => compileForAnalysis(model, {}));
  await stage('analysis + review rules', () => {
    analyzePlan(analyzed);
    reviewRules(parsed.source, analyzed, false);
  });
  process.stdout.write(JSON.stringify(ms));
  process.exit(0);
}

const runs = Number(process.argv[2] ?? 5);
const tasks = Number(process.argv[3] ?? 10000);
const roots = [path.resolve(path.dirname(self), '..'), ...process.argv.slice(4).map((r) => path.resolve(r))];
const work = mkdtempSync(path.join(tmpdir(), 'execplan-bench-stages-'));
try {
  const plan = path.join(work, 'plan.yaml');
  writeFileSync(plan, layeredPlanYaml(tasks, 1));
  const samples = roots.map(() => []);
  for (let i = 0; i < runs; i++) {
    roots.forEach((root, r) => {
      const out = spawnSync(process.execPath, [self, '--child', root, plan], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(out.stderr);
      samples[r].push(JSON.parse(out.stdout));
    });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const stages = Object.keys(samples[0][0]);
  console.log(
    `${tasks} tasks, medians of ${runs} fresh processes, load average ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(`| stage | ${roots.map((r) => path.basename(r)).join(' (ms) | ')} (ms) |`);
  console.log(`|---|${roots.map(() => '---|').join('')}`);
  for (const s of [...stages, 'total']) {
    const cell = (r) => Math.round(median(samples[r].map((m) => (s === 'total' ? Object.values(m).reduce((a, b) => a + b, 0) : m[s]))));
    console.log(`| ${s} | ${roots.map((_, r) => cell(r)).join(' | ')} |`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
