// The repository inventory in plan-writing prompts (prompt, draft, assess) and the plan's `codebase`
// recorded in tasks.json meta.codebase_analysis.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { formatInventory, folderTree } from '../src/authoring/inventory.js';
import { cli, project, root } from './helpers/cli.js';

const sources = {
  'spec.md': '# Sessions\n\nAdd session revocation to the auth service.\n',
  'src/auth/service.ts': [
    'import { BaseService } from "../core/base";',
    'export class AuthService extends BaseService implements Revocable {',
    '  login() { const local = 1; return local; }',
    '}',
    'export interface Revocable { revoke(id: string): void }',
    'export const handler = () => { const inner = 2; return inner; };',
    'class Hidden extends Error {}',
    '',
  ].join('\n'),
  'src/core/base.ts': 'export abstract class BaseService {}\nexport type Id = string;\nexport enum Mode { A, B }\n',
  'web/app.js': 'export function mount() {}\nexport default class App {}\n',
  'README.md': '# demo\n',
};

function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

const inventoryOf = (prompt: string): string => {
  const start = prompt.indexOf('# The repository');
  return start < 0 ? '' : prompt.slice(start, prompt.indexOf('# Rules', start));
};

t.test('prompt: the inventory lists git files (not ignored ones), folders, exports and extension points', async (t) => {
  const dir = project({ ...sources, '.gitignore': 'node_modules/\n', 'node_modules/lib/index.js': 'export function leaked() {}\n' });
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'init');
  writeFileSync(path.join(dir, 'src/auth/untracked.ts'), 'export function draftOnly() {}\n');
  mkdirSync(path.join(dir, 'sub'));
  // Run from a sub-folder: the inventory is of the whole repository (its git root).
  writeFileSync(path.join(dir, 'sub/spec.md'), sources['spec.md']);
  const r = await cli(['prompt', 'spec.md'], { cwd: path.join(dir, 'sub') });
  t.equal(r.code, 0, r.stderr);
  const inventory = inventoryOf(r.stdout);
  t.match(inventory, 'record under `codebase`');
  t.match(inventory, '8 files.');
  t.match(inventory, '```text\nsrc/ (3 files)\n  src/auth/ (2 files)\n  src/core/ (1 file)\nsub/ (1 file)\nweb/ (1 file)\n.gitignore\nREADME.md\nspec.md\n```');
  t.match(inventory, '- src/auth/service.ts: class AuthService, interface Revocable, const handler\n');
  t.match(inventory, '- src/auth/untracked.ts: function draftOnly\n', 'untracked files count: they are work in progress');
  t.match(inventory, '- src/core/base.ts: abstract class BaseService, type Id, enum Mode\n');
  t.match(inventory, '- web/app.js: function mount, class App\n');
  t.notMatch(inventory, 'leaked', 'ignored folders stay out');
  t.notMatch(inventory, /local|inner|Hidden/, 'locals and unexported classes are not exports');
  t.match(inventory, 'Extension points (classes and interfaces other code extends or implements): BaseService, Revocable.');
  t.notMatch(inventory, 'Error', 'bases from outside the repository are not its extension points');

  const off = await cli(['prompt', 'spec.md', '--no-inventory'], { cwd: path.join(dir, 'sub') });
  t.equal(inventoryOf(off.stdout), '', '--no-inventory leaves it out');
  const again = await cli(['prompt', 'spec.md'], { cwd: path.join(dir, 'sub') });
  t.equal(again.stdout, r.stdout, 'the same repository gives the same prompt');
});

t.test('outside git: a walk that skips dot-folders, build folders and links', async (t) => {
  const dir = project({ ...sources, 'node_modules/x/index.js': 'export const no = 1;\n', '.cache/y.ts': 'export const no = 1;\n', 'dist/out.js': 'export const no = 1;\n' });
  symlinkSync('/', path.join(dir, 'root-link'));
  writeFileSync(path.join(dir, 'src/huge.ts'), `export const big = 1;\n${'// filler\n'.repeat(30_000)}`);
  writeFileSync(path.join(dir, 'src/broken.ts'), 'export class {{{ nonsense\n');
  const r = await cli(['prompt', 'spec.md'], { cwd: dir });
  t.equal(r.code, 0, r.stderr);
  const inventory = inventoryOf(r.stdout);
  t.notMatch(inventory, /no\b|node_modules|\.cache|dist\/|root-link/);
  t.match(inventory, 'src/ (4 files)');
  t.match(inventory, 'Note: 1 source file was not read (larger than 256 KiB, unreadable or not parsed)');
  t.notMatch(inventory, 'huge.ts');
});

t.test('the inventory is bounded however big the repository', async (t) => {
  const files = Array.from({ length: 500 }, (_, i) => `pkg${String(i % 90).padStart(2, '0')}/mod${i}.ts`);
  const tree = folderTree(files);
  const text = formatInventory({
    fileCount: files.length,
    tree,
    sources: files.map((file, i) => ({ file, exports: Array.from({ length: 20 }, (_, k) => ({ name: `f${i}_${k}`, kind: 'function' as const })), extends: [] })),
    notes: [],
  });
  t.match(text, '... and 30 more entries');
  t.match(text, ', and 8 more\n');
  t.match(text, '- ... and 420 more files with exports');
  t.ok(text.length < 20_000, `about a few thousand tokens (${text.length} characters)`);
});

const fakeBin = path.join(root, 'test/fixtures/agents/bin');

t.test('assess and draft send the inventory to the agent', async (t) => {
  const dir = project(sources);
  const env = (mode: string, record: string) => ({ PATH: `${fakeBin}:${process.env.PATH}`, FAKE_AGENT_MODE: mode, FAKE_AGENT_RECORD: path.join(dir, record) });
  const a = await cli(['assess', 'spec.md'], { cwd: dir, env: env('assess', 'rec-assess') });
  t.equal(a.code, 0, a.stderr);
  const asked = JSON.parse(readFileSync(path.join(dir, 'rec-assess/1.json'), 'utf8')) as { stdin: string };
  t.match(asked.stdin, 'The work happens in an existing repository');
  t.match(asked.stdin, '- src/core/base.ts: abstract class BaseService, type Id, enum Mode');
  const d = await cli(['draft', 'spec.md', '-o', 'plan.yaml'], { cwd: dir, env: env('plan', 'rec-draft') });
  t.equal(d.code, 0, d.stderr);
  const first = readdirSync(path.join(dir, 'rec-draft')).sort()[0]!;
  const drafted = JSON.parse(readFileSync(path.join(dir, 'rec-draft', first), 'utf8')) as { stdin: string };
  t.match(drafted.stdin, '# The repository');
  t.match(drafted.stdin, '- src/auth/service.ts: class AuthService, interface Revocable, const handler');
  const bare = await cli(['assess', 'spec.md', '--no-inventory'], { cwd: dir, env: env('assess', 'rec-bare') });
  t.equal(bare.code, 0, bare.stderr);
  t.notMatch((JSON.parse(readFileSync(path.join(dir, 'rec-bare/1.json'), 'utf8')) as { stdin: string }).stdin, 'existing repository');
});

const plan = (codebase: string) => `version: 1
name: sessions
title: Sessions
${codebase}tasks:
  - id: revoke
    title: Add session revocation
    estimate: 2
    acceptance: ["revoked sessions get 401"]
`;

t.test('compile records the plan codebase in tasks.json meta.codebase_analysis', async (t) => {
  const dir = project({
    'with/plan.yaml': plan('codebase:\n  existing_apis: [AuthService]\n  extension_points: [BaseService]\n'),
    'without/plan.yaml': plan(''),
    'bad/plan.yaml': plan('codebase:\n  apis: [AuthService]\n'),
  });
  t.equal((await cli(['compile', 'with/plan.yaml'], { cwd: dir })).code, 0);
  const meta = (JSON.parse(readFileSync(path.join(dir, 'with/tasks_output/tasks.json'), 'utf8')) as { meta: Record<string, unknown> }).meta;
  t.same(meta.codebase_analysis, { existing_apis: ['AuthService'], reused_components: [], extension_points: ['BaseService'] });
  t.equal((await cli(['compile', 'without/plan.yaml'], { cwd: dir })).code, 0);
  const bare = (JSON.parse(readFileSync(path.join(dir, 'without/tasks_output/tasks.json'), 'utf8')) as { meta: Record<string, unknown> }).meta;
  t.notOk('codebase_analysis' in bare, 'no record when the plan says nothing about the codebase');
  const bad = await cli(['validate', 'bad/plan.yaml'], { cwd: dir });
  t.equal(bad.code, 5);
  t.match(bad.stdout + bad.stderr, /bad\/plan\.yaml:5:3: error .*apis/);
});

t.test('are you sure: a 500-task draft for a one-page spec, and concurrency 100,000', async (t) => {
  const dir = project({ ...sources, 'plan.yaml': 'version: 1\nname: s\ntitle: S\ntasks:\n  - id: a\n    title: Add a\n    run: "true"\n' });
  const env = { PATH: `${fakeBin}:${process.env.PATH}`, FAKE_AGENT_MODE: 'plan', FAKE_PLAN_TASKS: '500' };
  const d = await cli(['draft', 'spec.md', '-o', 'drafted.yaml', '--no-inventory'], { cwd: dir, env: { ...env, FAKE_AGENT_RECORD: path.join(dir, 'rec1') } });
  t.equal(d.code, 1, d.stderr);
  t.match(
    d.stderr,
    'execplan draft: are you sure? a plan of 500 tasks for a spec of 9 words (more than one task per 10 words: is it over-decomposed?). Nothing was written to drafted.yaml: the plan is in drafted.rejected.yaml; rename it to drafted.yaml to keep it, or run again with --yes',
  );
  t.notOk(existsSync(path.join(dir, 'drafted.yaml')));
  t.match(readFileSync(path.join(dir, 'drafted.rejected.yaml'), 'utf8'), 'part-499');
  const yes = await cli(['draft', 'spec.md', '-o', 'drafted.yaml', '--no-inventory', '--yes'], { cwd: dir, env: { ...env, FAKE_AGENT_RECORD: path.join(dir, 'rec2') } });
  t.equal(yes.code, 0, yes.stderr);
  t.ok(existsSync(path.join(dir, 'drafted.yaml')));

  const run = await cli(['run', '-j', '100000'], { cwd: dir });
  t.equal(run.code, 1);
  t.equal(
    run.stderr,
    'execplan run: are you sure? --concurrency is 100000: that many tasks may run at once (more than 1024; each is a process, an agent a whole CLI). Pass --yes to run it anyway; nothing was started\n',
  );
  t.notOk(existsSync(path.join(dir, '.execplan')), 'nothing started, no state');
  t.equal((await cli(['run', '-j', '100000', '--dry-run'], { cwd: dir })).code, 0, 'a dry run only prints');
  const sure = await cli(['run', '-j', '100000', '--yes', '--no-state'], { cwd: dir });
  t.equal(sure.code, 0, sure.stderr);
});
