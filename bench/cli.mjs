// Whole-CLI timings: start-up of a few commands (reference: `node -e 0` in the same run) and
// `execplan compile` of a generated 10,000-task plan (reference: parsing its YAML alone).
// Usage: npm run build && node bench/cli.mjs [runs=5]
//   BEFORE=/path/to/other/bin/execplan.js  also times another build's validate and status on the same files.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { layeredPlanYaml } from './gen-layered.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'execplan.js');
const runs = Number(process.argv[2] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall seconds, CPU seconds (user + sys) and peak RSS (MB) of one process, via /usr/bin/time. */
function measure(args, cwd) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, ...args], { cwd, encoding: 'utf8' });
  const [wall, user, sys, kb] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall, cpu: user + sys, rss: kb / 1024 };
}

const work = mkdtempSync(path.join(tmpdir(), 'execplan-bench-cli-'));
try {
  const plan = path.join(work, 'plan.yaml');
  writeFileSync(plan, layeredPlanYaml(10000, 1));
  writeFileSync(
    path.join(work, 'parse.mjs'),
    `import { parse } from ${JSON.stringify(path.join(root, 'node_modules', 'yaml', 'dist', 'index.js'))};\nimport { readFileSync } from 'node:fs';\nparse(readFileSync(process.argv[2], 'utf8'));\n`,
  );
  const cases = [
    ['reference: node -e 0', ['-e', '0']],
    ['execplan --version', [bin, '--version']],
    ['execplan validate examples/auth/plan.yaml', [bin, 'validate', path.join(root, 'examples/auth/plan.yaml')]],
    ['execplan status examples/make/plan.yaml', [bin, 'status', path.join(root, 'examples/make/plan.yaml')]],
    ['reference: yaml.parse of the 10k-task plan', [path.join(work, 'parse.mjs'), plan]],
    ['execplan compile (10k tasks, 9 artifacts)', [bin, 'compile', plan, '--out', path.join(work, 'out')]],
  ];
  if (process.env.BEFORE) {
    // The examples of this checkout for both builds, so both find the same execplan.config.yaml.
    cases.push(['before: execplan validate examples/auth/plan.yaml', [process.env.BEFORE, 'validate', path.join(root, 'examples/auth/plan.yaml')]]);
    cases.push(['before: execplan status examples/make/plan.yaml', [process.env.BEFORE, 'status', path.join(root, 'examples/make/plan.yaml')]]);
  }
  const samples = new Map(cases.map(([name]) => [name, []]));
  // Interleaved, so load on a shared machine hits every case alike.
  for (let i = 0; i < runs; i++) for (const [name, args] of cases) samples.get(name).push(measure(args, work));
  console.log(`| command | wall (median of ${runs}) | CPU | peak RSS |`);
  console.log('|---|---|---|---|');
  for (const [name, list] of samples) {
    console.log(
      `| ${name} | ${median(list.map((s) => s.wall)).toFixed(2)} s | ${median(list.map((s) => s.cpu)).toFixed(2)} s | ${Math.round(median(list.map((s) => s.rss)))} MB |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
