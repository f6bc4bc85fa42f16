// Builds the native spawn helper (src/runner/native/spawn-helper.c -> dist/native/execplan-spawn-helper),
// part of `npm run build`. Linux only; without a C compiler (cc, or $CC) it says so and the runner uses
// its Node spawn helpers instead, so a build never fails for want of one. Rebuilt only when the source
// is newer than the binary; the binary must answer --version before it replaces the old one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src/runner/native/spawn-helper.c');
const target = path.join(root, 'dist/native/execplan-spawn-helper');

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

if (process.platform !== 'linux') process.exit(0);
if (mtime(target) >= mtime(source)) process.exit(0);
mkdirSync(path.dirname(target), { recursive: true });
const temporary = `${target}.${process.pid}.tmp`;
const cc = process.env.CC || 'cc';
try {
  execFileSync(cc, ['-O2', '-Wall', '-Wextra', '-o', temporary, source], { stdio: ['ignore', 'ignore', 'pipe'] });
  const version = execFileSync(temporary, ['--version'], { encoding: 'utf8' });
  if (!version.startsWith('execplan-spawn-helper ')) throw new Error(`unexpected --version output: ${version}`);
  renameSync(temporary, target);
} catch (error) {
  rmSync(temporary, { force: true });
  const why = error && typeof error === 'object' && 'stderr' in error && error.stderr ? String(error.stderr).trim() : error instanceof Error ? error.message : String(error);
  console.error(`note: the native spawn helper was not built (${cc}: ${why.split('\n')[0]}); runs will spawn through the Node helpers`);
}
