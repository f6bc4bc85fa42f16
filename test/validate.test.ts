// `execplan validate` as a user sees it: every broken plan under test/fixtures/invalid/ gives exactly
// its recorded diagnostics and exit code, every example is valid, and no input produces a stack trace.
// Fixtures run in-process through main() (fast); a few checks spawn the real CLI for exit codes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli as cliInProcess, cliProcess, root, tempDir } from './helpers/cli.js';

const fixtures = 'test/fixtures/invalid';
const stackFrame = /^\s{4}at /m;

const cli = (args: string[], cwd = root) => cliInProcess(args, { cwd });
const realCli = (args: string[], cwd = root) => cliProcess(args, { cwd });

interface Expected {
  exit: number;
  diagnostics: { line: number; col: number; severity: string; code: string; message: string }[];
}

const names = readdirSync(path.join(root, fixtures))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

t.test('the fixture corpus is large and every fixture has its expectation', async (t) => {
  t.ok(names.length >= 30, `${names.length} fixtures`);
  for (const name of names) {
    const expected = JSON.parse(readFileSync(path.join(root, fixtures, name.replace(/\.yaml$/, '.expected.json')), 'utf8')) as Expected;
    t.ok(expected.diagnostics.length > 0, `${name} expects at least one diagnostic`);
  }
});

t.test('each broken plan gives exactly its expected diagnostics and exit code', async (t) => {
  for (const name of names) {
    const file = `${fixtures}/${name}`;
    const expected = JSON.parse(readFileSync(path.join(root, fixtures, name.replace(/\.yaml$/, '.expected.json')), 'utf8')) as Expected;

    const json = await cli(['validate', file, '--format', 'json']);
    t.equal(json.code, expected.exit, `${name}: exit code`);
    const diagnostics = JSON.parse(json.stdout) as Record<string, unknown>[];
    t.same(
      diagnostics.map(({ line, col, severity, code, message }) => ({ line, col, severity, code, message })),
      expected.diagnostics,
      `${name}: diagnostics`,
    );
    for (const d of diagnostics) {
      t.same(Object.keys(d).sort(), ['code', 'col', 'file', 'line', 'message', 'path', 'severity'], `${name}: json shape`);
      t.equal(d.file, file, `${name}: file as the user named it`);
      t.ok(Array.isArray(d.path), `${name}: path is a list`);
    }

    const text = await cli(['validate', file]);
    t.equal(text.code, expected.exit, `${name}: same exit code in text format`);
    const lines = text.stdout.split('\n').filter(Boolean);
    t.same(
      lines,
      expected.diagnostics.map((d) => `${file}:${d.line}:${d.col}: ${d.severity} ${d.code} ${d.message}`),
      `${name}: text lines`,
    );
    t.notMatch(text.stdout + text.stderr + json.stderr, stackFrame, `${name}: no stack trace`);
  }
});

t.test('diagnostics are sorted by position, all reported in one run', async (t) => {
  const { stdout } = await cli(['validate', `${fixtures}/many-errors-sorted.yaml`, '--format', 'json']);
  const positions = (JSON.parse(stdout) as { line: number; col: number }[]).map((d) => d.line * 1000 + d.col);
  t.equal(positions.length, 4);
  t.same(
    positions,
    [...positions].sort((a, b) => a - b),
  );
});

t.test('every example validates with exit 0 and no errors', async (t) => {
  const examples = readdirSync(path.join(root, 'examples'))
    .filter((d) => !d.includes('.'))
    .sort();
  t.ok(examples.length >= 3, `examples: ${examples.join(', ')}`);
  for (const example of examples) {
    const run = await cli(['validate', `examples/${example}/plan.yaml`, '--format', 'json']);
    t.equal(run.code, 0, `${example} exits 0`);
    const diagnostics = JSON.parse(run.stdout) as { code: string; severity: string }[];
    // The platform example declares one soft and one low-confidence dependency on purpose; each is reported.
    const expected = example === 'platform' ? ['low-confidence-dependency', 'soft-dependency'] : [];
    t.same(
      diagnostics.map((d) => d.code),
      expected,
      `${example}: diagnostics`,
    );
  }
});

t.test('a 10 MB plan is refused with a diagnostic, not read whole or crashed on', async (t) => {
  const dir = tempDir('execplan-big-');
  const task = (i: number) => `  - id: t${i}\n    title: Build part ${i}\n    estimate: 2\n    acceptance: [Part ${i} exists]\n`;
  const parts = ['version: 1\nname: big\ntasks:\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < 10 * 1024 * 1024; i++) {
    parts.push(task(i));
    size += parts[parts.length - 1]!.length;
  }
  writeFileSync(path.join(dir, 'plan.yaml'), parts.join(''));
  const run = await cli(['validate', 'plan.yaml'], dir);
  t.equal(run.code, 5);
  t.equal(run.stdout, 'plan.yaml:1:1: error file-too-large the plan is larger than 8 MiB; split it into several plans\n');
});

t.test('exit codes and messages of the CLI', async (t) => {
  const cases: [string[], number, RegExp][] = [
    [[], 1, /Usage: execplan <command>/],
    [['--help'], 0, /Commands:/],
    [['--version'], 0, /^\d+\.\d+\.\d+/],
    [['frobnicate'], 1, /unknown command 'frobnicate'/],
    [['validate', '--frobnicate'], 1, /Unknown option '--frobnicate'/],
    [['validate', 'a.yaml', 'b.yaml'], 1, /unexpected argument 'b.yaml'/],
    [['validate', '--format', 'xml', 'examples/auth/plan.yaml'], 1, /--format must be text or json/],
    [['validate', 'no/such/plan.yaml'], 1, /no such file/],
    [['validate', 'examples'], 1, /is a directory/],
    [['validate'], 1, /no plan.yaml in this directory/],
    [['validate', 'examples/make/plan.yaml'], 0, /valid \(4 tasks, 3 scheduled dependencies\)/],
    [['validate', `${fixtures}/cycle-two.yaml`], 3, /dependency-cycle/],
    [['validate', `${fixtures}/resource-over-capacity.yaml`], 4, /resource-over-capacity/],
    [['validate', `${fixtures}/binary-garbage.yaml`], 5, /not-text/],
    [['validate', `${fixtures}/alias-bomb.yaml`], 5, /yaml-alias-limit/],
  ];
  // In-process for all of them; a real process (bin/execplan.js -> dist/, process.exitCode) for a few,
  // since each spawn costs a Node start-up.
  const spawned = new Set([
    'validate examples/make/plan.yaml',
    `validate ${fixtures}/cycle-two.yaml`,
    `validate ${fixtures}/resource-over-capacity.yaml`,
    `validate ${fixtures}/binary-garbage.yaml`,
  ]);
  for (const [args, exit, pattern] of cases) {
    // `validate` with no plan runs in a directory without plan.yaml.
    const cwd = args.length === 1 && args[0] === 'validate' ? path.join(root, 'test') : root;
    const runs = [await cli(args, cwd)];
    if (spawned.has(args.join(' '))) runs.push(realCli(args, cwd));
    for (const run of runs) {
      t.equal(run.code, exit, `execplan ${args.join(' ')} exits ${exit}`);
      t.match(run.stdout + run.stderr, pattern, `execplan ${args.join(' ')} says why`);
      t.notMatch(run.stdout + run.stderr, stackFrame, `execplan ${args.join(' ')}: no stack trace`);
    }
  }
});

t.test('--format json on a missing file still prints a diagnostic array', async (t) => {
  const run = await cli(['validate', 'missing.yaml', '--format', 'json']);
  t.equal(run.code, 1);
  const [d] = JSON.parse(run.stdout) as Record<string, unknown>[];
  t.match(d, { file: 'missing.yaml', line: 1, col: 1, severity: 'error', code: 'no-plan' });
});

t.test('a broken execplan.config.yaml is reported at its own positions (exit 5)', async (t) => {
  const dir = tempDir('execplan-config-');
  writeFileSync(path.join(dir, 'plan.yaml'), readFileSync(path.join(root, 'examples/make/plan.yaml')));
  writeFileSync(path.join(dir, 'execplan.config.yaml'), 'concurency: 4\nmin_confidence: high\n');
  const run = await cli(['validate', '--format', 'json'], dir);
  t.equal(run.code, 5);
  const diagnostics = JSON.parse(run.stdout) as { line: number; col: number; code: string; message: string }[];
  t.same(
    diagnostics.map((d) => [d.line, d.col, d.code]),
    [
      [1, 1, 'config-invalid'],
      [2, 17, 'config-invalid'],
    ],
  );
  t.match(diagnostics[0]!.message, "unknown key 'concurency' in the config; did you mean 'concurrency'?");
});

t.test('a config that does not parse is named as found, with the reason; a missing --config is exit 1', async (t) => {
  const dir = tempDir('execplan-config-');
  writeFileSync(path.join(dir, 'plan.yaml'), readFileSync(path.join(root, 'examples/make/plan.yaml')));
  // Once reported as `execplan.config.yaml:1:1: ... JSON Error in <path>:` with the reason cut off.
  writeFileSync(path.join(dir, '.execplanrc.json'), '{\n  "concurrency": 2\n');
  const run = await cli(['validate'], dir);
  t.equal(run.code, 5);
  t.equal(run.stdout, `${path.join(dir, '.execplanrc.json')}:3:1: error config-invalid cannot read the config: Expected ',' or '}' after property value in JSON\n`);
  // A byte-order mark before the JSON is not a mistake to report; positions count from after it.
  writeFileSync(path.join(dir, '.execplanrc.json'), '\ufeff{ "concurrency": 2 }\n');
  t.equal((await cli(['validate'], dir)).code, 0);
  writeFileSync(path.join(dir, '.execplanrc.json'), '\ufeff{ "concurrency": 2,\n  }\n');
  t.match((await cli(['validate'], dir)).stdout, /\.execplanrc\.json:2:3: error config-invalid cannot read the config: Expected double-quoted property name in JSON\n$/);
  const missing = await cli(['validate', '--config', 'nope.yaml', '--format', 'json'], dir);
  t.equal(missing.code, 1);
  t.match(JSON.parse(missing.stdout), [{ file: 'nope.yaml', code: 'no-config', message: '--config nope.yaml: no such file' }]);
});

t.test('the make example really runs with POSIX sh: every command and acceptance check passes', async (t) => {
  const { parse } = await import('yaml');
  const { cpSync, existsSync } = await import('node:fs');
  const dir = tempDir('execplan-make-');
  cpSync(path.join(root, 'examples/make'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}build`) });
  const plan = parse(readFileSync(path.join(dir, 'plan.yaml'), 'utf8')) as {
    tasks: { id: string; run: string | string[]; acceptance: ({ run: string } | { file: string; contains?: string })[] }[];
  };
  const sh = (command: string) => spawnSync('sh', ['-c', command], { cwd: dir, encoding: 'utf8' });
  // Plan order is a valid topological order in this example.
  for (const task of plan.tasks) {
    for (const command of [task.run].flat()) {
      const r = sh(command);
      t.equal(r.status, 0, `${task.id}: ${command} ${r.stderr}`);
    }
    for (const check of task.acceptance) {
      if ('run' in check) t.equal(sh(check.run).status, 0, `${task.id}: check ${check.run}`);
      else {
        t.ok(existsSync(path.join(dir, check.file)), `${task.id}: ${check.file} exists`);
        if (check.contains) t.match(readFileSync(path.join(dir, check.file), 'utf8'), check.contains);
      }
    }
  }
  t.equal(readFileSync(path.join(dir, 'build/index.txt'), 'utf8'), 'HELLO\nWORLD\nlines: 2\n');
});

t.test("the README's one-screen plan.yaml is valid (its one warning is the soft dependency it shows)", async (t) => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const block = /## plan\.yaml in one screen\n\n```yaml\n([\s\S]*?)```/.exec(readme);
  t.ok(block, 'the README has the example');
  const dir = tempDir('execplan-readme-');
  writeFileSync(path.join(dir, 'plan.yaml'), block![1]!);
  mkdirSync(path.join(dir, 'docs'));
  writeFileSync(path.join(dir, 'docs', 'auth-spec.md'), '# Auth spec\n');
  const run = await cli(['validate', '--format', 'json'], dir);
  t.equal(run.code, 0);
  t.same(
    JSON.parse(run.stdout).map((d: { code: string }) => d.code),
    ['soft-dependency'],
  );
});
