// Shared mechanisms under src/core: the atomic file write, the task-status vocabulary and its wait reasons,
// the precompiled templates.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { stageFile, writeFileAtomic, writeFileAtomicInBackground } from '../src/core/atomic-write.js';
import { collectGarbage } from '../src/cli/heap.js';
import { precompiledTemplates } from '../src/core/precompiled-templates.js';
import { readPackagedTemplate } from '../src/core/template-files.js';
import { compiledTemplateSource, renderTemplate, templateKey } from '../src/core/templates.js';
import { cli, cliBackground, project, tempDir } from './helpers/cli.js';

t.test('writeFileAtomic replaces a file whole and leaves no temporary file behind', async (t) => {
  const dir = tempDir();
  const file = path.join(dir, 'state.json');
  writeFileSync(file, 'old\n');
  writeFileAtomic(file, 'new\n', { fsync: true });
  t.equal(readFileSync(file, 'utf8'), 'new\n');
  writeFileAtomic(file, 'newer\n', { fsync: false });
  t.equal(readFileSync(file, 'utf8'), 'newer\n');
  t.same(readdirSync(dir), ['state.json']);
  // A target that cannot be replaced (a directory) throws and the temporary file is gone.
  mkdirSync(path.join(dir, 'sub'));
  t.throws(() => writeFileAtomic(path.join(dir, 'sub'), 'x', { fsync: true }));
  t.same(readdirSync(dir).sort(), ['state.json', 'sub']);
  // A directory that does not exist: throws, nothing is created.
  t.throws(() => writeFileAtomic(path.join(dir, 'missing', 'f.json'), 'x', { fsync: false }), { code: 'ENOENT' });
});

t.test('staged files are invisible to a reader that skips dot files until committed', async (t) => {
  const dir = tempDir();
  const staged = stageFile(path.join(dir, 'a.json'), '{}', { fsync: false });
  t.same(
    readdirSync(dir).filter((n) => !n.startsWith('.')),
    [],
  );
  staged.commit();
  t.same(readdirSync(dir), ['a.json']);
  const dropped = stageFile(path.join(dir, 'b.json'), '{}', { fsync: false });
  dropped.discard();
  t.same(readdirSync(dir), ['a.json']);
});

t.test('a file staged as byte pieces holds them one after the other', async (t) => {
  const dir = tempDir();
  const pieces = [Buffer.from('{"a":'), new Uint8Array(0), Buffer.from('"ü😀"}\n')];
  const staged = stageFile(path.join(dir, 'p.json'), pieces, { fsync: false, mode: 0o600 });
  staged.commit();
  t.equal(readFileSync(path.join(dir, 'p.json'), 'utf8'), '{"a":"ü😀"}\n');
  t.equal(statSync(path.join(dir, 'p.json')).mode & 0o777, 0o600 & ~process.umask());
  t.same(readdirSync(dir), ['p.json']);
});

t.test('the background write commits only when still current, then calls done', async (t) => {
  const dir = tempDir();
  const file = path.join(dir, 'state.json');
  await new Promise<void>((resolve) =>
    writeFileAtomicInBackground(
      file,
      'one\n',
      () => true,
      () => resolve(),
    ),
  );
  t.equal(readFileSync(file, 'utf8'), 'one\n');
  await new Promise<void>((resolve) =>
    writeFileAtomicInBackground(
      file,
      'stale\n',
      () => false,
      () => resolve(),
    ),
  );
  t.equal(readFileSync(file, 'utf8'), 'one\n');
  t.same(readdirSync(dir), ['state.json']);
});

t.test('status: a task waiting for a resource or a file lock that a running task holds is waiting, with the holder', async (t) => {
  const dir = project({
    'plan.yaml': `version: 1
name: demo
title: Demo
resources:
  db: { capacity: 1 }
tasks:
  - { id: q, title: Hold db, run: "touch q.started; while [ ! -f go ]; do sleep 0.02; done", estimate: 1, resources: { db: 1 } }
  - { id: r, title: Use db, run: "true", estimate: 1, resources: { db: 1 } }
  - { id: s, title: Edit src, run: "touch s.started; while [ ! -f go ]; do sleep 0.02; done", estimate: 1, files: ["src/**"] }
  - { id: u, title: Edit api, run: "true", estimate: 1, files: ["src/api/x.ts"] }
  - { id: v, title: Free, run: "true", estimate: 1, needs: [s] }
`,
  });
  const run = cliBackground(['run', '--concurrency', '4'], { cwd: dir, env: { CI: '1' } });
  t.teardown(() => void run.child.kill('SIGKILL'));
  await waitForFiles([path.join(dir, 'q.started'), path.join(dir, 's.started')]);
  const shown = await cli(['status'], { cwd: dir });
  t.equal(shown.code, 0, shown.stderr);
  t.match(shown.stdout, /^2 running, 2 pending, 1 pending$|2 running, 3 pending/m);
  t.notMatch(shown.stdout, /^ready:/m, 'nothing is ready while the holders run');
  t.match(shown.stdout, /^  r: resource db in use \(held by q\)$/m);
  t.match(shown.stdout, /^  u: file lock src\/\*\* \(held by s\)$/m);
  t.match(shown.stdout, /^  v: needs s$/m);
  const json = JSON.parse((await cli(['status', '--json'], { cwd: dir })).stdout) as { ready: string[]; waiting: Array<{ task: string; for: string; reason: unknown }> };
  t.same(json.ready, []);
  t.same(
    json.waiting.map((w) => [w.task, w.reason]),
    [
      ['r', { kind: 'resource', resource: 'db', held_by: ['q'] }],
      ['u', { kind: 'file-lock', pattern: 'src/**', held_by: ['s'] }],
      ['v', { kind: 'needs', tasks: ['s'] }],
    ],
  );
  writeFileSync(path.join(dir, 'go'), '');
  t.equal(await run.exited, 0, run.output());
  const after = await cli(['status'], { cwd: dir });
  t.match(after.stdout, /^5 done$/m);
});

async function waitForFiles(files: string[], timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!files.every((f) => existsSync(f))) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${files.join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

t.test('collectGarbage collects: an object nothing refers to any more is gone right after it', async (t) => {
  const ref = (() => new WeakRef({ payload: new Array(1000).fill('x') }))();
  // A WeakRef keeps its target alive until the job that made it ends.
  await new Promise((resolve) => setImmediate(resolve));
  t.not(ref.deref(), undefined, 'nothing collected it before');
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  t.equal(ref.deref(), undefined);
});

t.test('the packaged document templates ship as exactly the code they compile to (else: node scripts/gen-templates.mjs)', async (t) => {
  for (const name of ['Plan.md.njk', 'Decisions.md.njk']) {
    const text = readPackagedTemplate(name);
    t.equal(precompiledTemplates[templateKey('document', text)], compiledTemplateSource('document', text), name);
  }
  t.equal(Object.keys(precompiledTemplates).length, 2, 'nothing stale besides them');
  // Another text (or style) misses and is compiled as before.
  t.equal(renderTemplate('document', 'Hello {{ name }}\n{% if x %}x{% endif %}', { name: 'you', x: false }), 'Hello you\n');
  t.equal(precompiledTemplates[templateKey('prompt', readPackagedTemplate('Plan.md.njk'))], undefined);
});
