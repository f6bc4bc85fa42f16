// The floor under `execplan compile`'s artifacts: what printing the JSON artifacts and beads.jsonl of a
// 10,000-task plan costs when nothing but V8's JSON.stringify, the UTF-8 encoding and the sha256s their
// contract asks for are done (the compact text and its hash for `contentHash`, the indented text, its bytes
// and their hash for .tasks-meta.json; beads.jsonl a line per issue). It is set beside the js-yaml reference
// of bench/frontend.mjs, validate and the whole compile, in the same run, alternated. The documents are
// parsed back from a compile's output before the clock starts, so the floor leaves out making the records:
// a renderer that prints these bytes with JSON.stringify does at least this much.
// Usage: npm run build && node bench/serialize-floor.mjs [runs=5] [tasks=10000]
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { layeredPlanYaml } from './gen-layered.mjs';
import { timeNode } from './time-process.mjs';

const jsonArtifacts = ['tasks.json', 'dag.json', 'waves.json', 'coordinator.json', 'features.json'];

if (process.argv[2] === '--child') {
  // One cold process: parse (not timed), then print every artifact once, timed on the main thread's clock.
  const dir = process.argv[3];
  const docs = jsonArtifacts.map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')));
  const issues = readFileSync(path.join(dir, 'beads.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const ms = {};
  const start = performance.now();
  docs.forEach((doc, k) => {
    const from = performance.now();
    const { generated, ...body } = doc;
    crypto.hash('sha256', JSON.stringify(body), 'hex');
    const bytes = Buffer.from(`${JSON.stringify({ ...body, generated }, null, 2)}\n`);
    crypto.createHash('sha256').update(bytes).digest('hex');
    ms[jsonArtifacts[k]] = performance.now() - from;
  });
  const from = performance.now();
  const bytes = Buffer.from(`${issues.map((issue) => JSON.stringify(issue)).join('\n')}\n`);
  crypto.createHash('sha256').update(bytes).digest('hex');
  ms['beads.jsonl'] = performance.now() - from;
  ms.all = performance.now() - start;
  process.stdout.write(JSON.stringify(ms));
  process.exit(0);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'execplan.js');
const runs = Number(process.argv[2] ?? 5);
const tasks = Number(process.argv[3] ?? 10000);
// A typo would measure nothing and fail on an empty median: say what is wrong instead (exit 2).
for (const [name, value] of [
  ['runs', runs],
  ['tasks', tasks],
]) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number >= 1, not ${JSON.stringify(process.argv[name === 'runs' ? 2 : 3])}`);
    process.exit(2);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const jsYaml4 = createRequire(import.meta.url).resolve('js-yaml4', { paths: [root] });

const work = mkdtempSync(path.join(tmpdir(), 'execplan-bench-floor-'));
try {
  const plan = path.join(work, 'plan.yaml');
  writeFileSync(plan, layeredPlanYaml(tasks, 1));
  const loader = path.join(work, 'jsyaml4.mjs');
  writeFileSync(
    loader,
    `import { readFileSync } from 'node:fs';\nconst { load } = await import(${JSON.stringify(pathToFileURL(jsYaml4).href)});\nload(readFileSync(process.argv[2], 'utf8'));\n`,
  );
  const out = path.join(work, 'out');
  const samples = { reference: [], validate: [], compile: [], floor: [] };
  for (let i = 0; i < runs; i++) {
    samples.reference.push(timeNode([loader, plan]).wall);
    samples.validate.push(timeNode([bin, 'validate', plan]).wall);
    samples.compile.push(timeNode([bin, 'compile', plan, '--out', out]).wall);
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the floor's child exited ${r.status}: ${r.stderr.slice(0, 500)}`);
    samples.floor.push(JSON.parse(r.stdout));
  }
  const reference = median(samples.reference);
  const load = loadavg().map((x) => x.toFixed(1));
  console.log(`${tasks} tasks; medians of ${runs}, alternated; load average ${load.join(' ')}`);
  console.log('| what | time | / reference |');
  console.log('|---|---|---|');
  console.log(`| reference: node + js-yaml 4 load (wall) | ${reference.toFixed(2)} s | 1.00x |`);
  console.log(`| execplan validate (wall) | ${median(samples.validate).toFixed(2)} s | ${(median(samples.validate) / reference).toFixed(2)}x |`);
  console.log(`| execplan compile, every artifact (wall) | ${median(samples.compile).toFixed(2)} s | ${(median(samples.compile) / reference).toFixed(2)}x |`);
  for (const name of [...jsonArtifacts, 'beads.jsonl', 'all']) {
    const s = median(samples.floor.map((f) => f[name])) / 1000;
    console.log(
      `| floor: ${name === 'all' ? 'every JSON artifact and beads.jsonl' : name} printed, encoded, hashed | ${(s * 1000).toFixed(0)} ms | ${(s / reference).toFixed(2)}x |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
