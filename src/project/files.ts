/**
 * The project boundary: which files may be read and sent to an agent. The project root is the git root
 * above the plan (else the plan's folder). A spec document (or any file a prompt includes) must be a regular
 * file inside it, at most MAX_SPEC_BYTES, UTF-8 text; a path outside is read only when the user names it
 * with --allow-outside. Nothing here reads more than the limit: `spec: /dev/zero` is refused by its type.
 */
import { closeSync, existsSync, openSync, readSync, realpathSync, statSync, constants } from 'node:fs';
import path from 'node:path';

/** 4 MiB: far above any real spec, far below what would exhaust memory or an agent's context. */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

/** The nearest folder at or above `dir` with a `.git` (a directory, or a worktree's file), or null outside git. */
export function gitRoot(dir: string): string | null {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (existsSync(path.join(at, '.git'))) return at;
    if (path.dirname(at) === at) return null;
  }
}

export function projectRoot(dir: string): string {
  return gitRoot(dir) ?? path.resolve(dir);
}

export type SpecCheck =
  | { ok: true; absolute: string; outsideAllowed: boolean }
  | { ok: false; code: 'missing-spec' | 'spec-outside-project' | 'spec-not-file' | 'spec-too-large' | 'spec-not-text'; message: string };

const inside = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Checks `file` (relative to `baseDir`) against the project rules, reading at most the size limit. */
export function checkProjectFile(root: string, baseDir: string, file: string, allowOutside: readonly string[] = []): SpecCheck {
  const absolute = path.resolve(baseDir, file);
  const realRoot = realpathSync(root);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    // Missing: still say "outside" first when the path itself leads out (the fix is not to create it).
    if (!inside(absolute, path.resolve(root)) && !inside(absolute, realRoot)) real = absolute;
    else return { ok: false, code: 'missing-spec', message: `spec '${file}' does not exist` };
  }
  let outsideAllowed = false;
  if (!inside(real, realRoot)) {
    const allowed = allowOutside.some((a) => {
      try {
        return inside(real, realpathSync(path.resolve(a)));
      } catch {
        return false;
      }
    });
    if (!allowed) {
      return {
        ok: false,
        code: 'spec-outside-project',
        message: `spec '${file}' is outside the project (the git root above the plan, else the plan's folder)${real !== absolute ? ` (it resolves to ${real})` : ''}; only files inside the project are sent to agents: move it in, or pass --allow-outside ${path.dirname(real)} to allow it deliberately`,
      };
    }
    outsideAllowed = true;
  }
  let info;
  try {
    info = statSync(real);
  } catch {
    return { ok: false, code: 'missing-spec', message: `spec '${file}' does not exist` };
  }
  if (!info.isFile()) {
    return {
      ok: false,
      code: 'spec-not-file',
      message: `spec '${file}' is not a regular file (${info.isDirectory() ? 'a directory' : 'a device, pipe or socket'}); name a text file`,
    };
  }
  if (info.size > MAX_SPEC_BYTES) {
    return {
      ok: false,
      code: 'spec-too-large',
      message: `spec '${file}' is ${(info.size / 1024 / 1024).toFixed(1)} MiB, over the ${MAX_SPEC_BYTES / 1024 / 1024} MiB limit for a spec sent to an agent; split it or link to the rest`,
    };
  }
  const text = readTextCapped(real);
  if (text === null)
    return { ok: false, code: 'spec-not-text', message: `spec '${file}' is not UTF-8 text (a PDF, an image, another encoding?); convert it to UTF-8 Markdown or plain text` };
  return { ok: true, absolute: real, outsideAllowed };
}

/** At most MAX_SPEC_BYTES of a file as UTF-8 text, or null for binary or non-UTF-8 bytes or an oversized file. */
export function readTextCapped(file: string): string | null {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(MAX_SPEC_BYTES + 1);
    let total = 0;
    for (let n = 1; n > 0 && total < buf.length; total += n) n = readSync(fd, buf, total, buf.length - total, null);
    if (total > MAX_SPEC_BYTES) return null;
    const bytes = buf.subarray(0, total);
    if (bytes.includes(0)) return null;
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
