// Shared mechanisms under src/core: the atomic file write, the task-status vocabulary and its wait reasons.
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { stageFile, writeFileAtomic, writeFileAtomicInBackground } from '../src/core/atomic-write.js';
import { tempDir } from './helpers/cli.js';

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
  t.same(readdirSync(dir).filter((n) => !n.startsWith('.')), []);
  staged.commit();
  t.same(readdirSync(dir), ['a.json']);
  const dropped = stageFile(path.join(dir, 'b.json'), '{}', { fsync: false });
  dropped.discard();
  t.same(readdirSync(dir), ['a.json']);
});

t.test('the background write commits only when still current, then calls done', async (t) => {
  const dir = tempDir();
  const file = path.join(dir, 'state.json');
  await new Promise<void>((resolve) => writeFileAtomicInBackground(file, 'one\n', () => true, resolve));
  t.equal(readFileSync(file, 'utf8'), 'one\n');
  await new Promise<void>((resolve) => writeFileAtomicInBackground(file, 'stale\n', () => false, resolve));
  t.equal(readFileSync(file, 'utf8'), 'one\n');
  t.same(readdirSync(dir), ['state.json']);
});
