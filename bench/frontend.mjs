// Front end on a 10,000-task plan: `execplan validate` and `execplan compile` (every artifact) against the
// reference of a bare Node process that loads the same file with js-yaml, all in the same run, interleaved.
// Usage: npm run build && node bench/frontend.mjs [runs=5] [tasks=10000]
//   BEFORE=/path/to/other/bin/execplan.js  also measures another build (e.g. main) in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { layeredPlanYaml } from './gen-layered.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'execplan.js');
const runs = Number(process.argv[2] ?? 5);
const tasks = Number(process.argv[3] ?? 10000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall seconds, CPU seconds (user + sys) and peak RSS (MB) of one process, via /usr/bin/time. */
function measure(args, cwd) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  const [wall, user, sys, kb] = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall, cpu: user + sys, rss: kb / 1024 };
}

// js-yaml 4 (a devDependency under the name js-yaml4, kept for this comparison) and 5 (ours): the
// reference is the faster of the two.
const require = createRequire(import.meta.url);
const jsYaml5 = require.resolve('js-yaml', { paths: [root] });
const jsYaml4 = require.resolve('js-yaml4', { paths: [root] });

const work = mkdtempSync(path.join(tmpdir(), 'execplan-bench-frontend-'));
try {
  const plan = path.join(work, 'plan.yaml');
  writeFileSync(plan, layeredPlanYaml(tasks, 1));
  const loader = (name, module) => {
    const file = path.join(work, `${name}.mjs`);
    writeFileSync(
      file,
      `import { readFileSync } from 'node:fs';\nconst { load } = await import(${JSON.stringify(pathToFileURL(module).href)});\nload(readFileSync(process.argv[2], 'utf8'));\n`,
    );
    return file;
  };
  const cases = [
    ['reference: node + js-yaml 4 load', [loader('jsyaml4', jsYaml4), plan]],
    ['reference: node + js-yaml 5 load', [loader('jsyaml5', jsYaml5), plan]],
    ['execplan validate', [bin, 'validate', plan]],
    ['execplan compile (every artifact)', [bin, 'compile', plan, '--out', path.join(work, 'out')]],
  ];
  if (process.env.BEFORE) {
    cases.push(['before: execplan validate', [process.env.BEFORE, 'validate', plan]]);
    cases.push(['before: execplan compile (every artifact)', [process.env.BEFORE, 'compile', plan, '--out', path.join(work, 'out-before')]]);
  }
  const samples = new Map(cases.map(([name]) => [name, []]));
  // Interleaved, so load on a shared machine hits every case alike.
  for (let i = 0; i < runs; i++) for (const [name, args] of cases) samples.get(name).push(measure(args, work));
  const stat = (name, key) => median(samples.get(name).map((s) => s[key]));
  const refName = stat(cases[0][0], 'wall') <= stat(cases[1][0], 'wall') ? cases[0][0] : cases[1][0];
  console.log(
    `${tasks} tasks, ${Buffer.byteLength(layeredPlanYaml(tasks, 1)) / 1e6} MB; medians of ${runs}; reference = ${refName}; load average ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log('| command | wall | CPU | peak RSS | wall / reference | CPU / reference |');
  console.log('|---|---|---|---|---|---|');
  for (const [name] of cases) {
    const w = stat(name, 'wall');
    const c = stat(name, 'cpu');
    console.log(
      `| ${name} | ${w.toFixed(2)} s | ${c.toFixed(2)} s | ${Math.round(stat(name, 'rss'))} MB | ${(w / stat(refName, 'wall')).toFixed(2)}x | ${(c / stat(refName, 'cpu')).toFixed(2)}x |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
