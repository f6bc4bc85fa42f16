#!/usr/bin/env node
// Per-file cost of the test suite: runs each test file alone under tap (one at a time, so the numbers
// do not include the other files' contention) and prints a table sorted by CPU. CPU (user+sys of tap
// and every process it waited for) is the figure to compare across runs on a shared machine: wall
// time moves with the other users' load, CPU much less.
//
//   node bench/test-files.mjs                 # every test/**/*.test.ts
//   node bench/test-files.mjs test/a.test.ts  # only these
//   node bench/test-files.mjs --empty         # also the fixed cost: a test file with one empty test
//   node bench/test-files.mjs --json out.json # also write the raw rows
//
// Needs GNU time (/usr/bin/time) for the children's CPU; build dist/ first (npm run build).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const jsonAt = argv.indexOf('--json');
const jsonOut = jsonAt >= 0 ? argv.splice(jsonAt, 2)[1] : undefined;
const withEmpty = argv.includes('--empty');
let files = argv.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  files = readdirSync(path.join(root, 'test'))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => `test/${f}`);
}

const tapBin = path.join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');

function measure(file) {
  const timeOut = path.join(tmp, 'time.txt');
  const r = spawnSync('/usr/bin/time', ['-o', timeOut, '-f', '%U %S %e', process.execPath, tapBin, '--reporter=silent', file], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const [user, sys, wall] = readTime(timeOut);
  return { file, ok: r.status === 0, user, sys, cpu: user + sys, wall };
}

function readTime(p) {
  const text = spawnSync('cat', [p], { encoding: 'utf8' }).stdout.trim().split('\n').pop() ?? '';
  return text.split(/\s+/).map(Number);
}

const tmp = mkdtempSync(path.join(tmpdir(), 'execplan-test-bench-'));
const rows = [];
try {
  if (withEmpty) {
    const empty = path.join(root, 'test', `zz-empty-${process.pid}.test.ts`);
    writeFileSync(empty, "import t from 'tap';\nt.test('empty', async () => {});\n");
    try {
      rows.push({ ...measure(path.relative(root, empty)), file: '(empty test file: fixed cost)' });
    } finally {
      rmSync(empty, { force: true });
    }
  }
  for (const f of files) {
    const row = measure(f);
    rows.push(row);
    process.stderr.write(`${row.ok ? 'ok  ' : 'FAIL'} ${f} cpu ${row.cpu.toFixed(2)} s wall ${row.wall.toFixed(2)} s\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

rows.sort((a, b) => b.cpu - a.cpu);
const total = rows.filter((r) => !r.file.startsWith('(')).reduce((s, r) => ({ cpu: s.cpu + r.cpu, wall: s.wall + r.wall }), { cpu: 0, wall: 0 });
console.log('| test file | CPU (user+sys) s | wall s | ok |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.file} | ${r.cpu.toFixed(2)} | ${r.wall.toFixed(2)} | ${r.ok ? 'yes' : 'NO'} |`);
console.log(`| **total (${rows.filter((r) => !r.file.startsWith('(')).length} files, one at a time)** | ${total.cpu.toFixed(1)} | ${total.wall.toFixed(1)} | |`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(rows, null, 2));
