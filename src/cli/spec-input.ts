/** Reading a spec document for `execplan prompt` and `execplan draft`: a UTF-8 text file inside the project. */
import path from 'node:path';
import { checkProjectFile, projectRoot, readTextCapped } from '../project/files.js';

export type ReadSpecResult =
  | { ok: true; absolute: string; text: string; outsideAllowed: boolean }
  /** `code` is set when the file exists but breaks a project rule (outside, not a file, too large, not text). */
  | { ok: false; message: string; code?: string };

/** `given` as the user named it (messages use it), resolved against `cwd`; the project is the one around `cwd`. */
export async function readSpecFile(cwd: string, given: string, allowOutside: readonly string[] = []): Promise<ReadSpecResult> {
  const check = checkProjectFile(projectRoot(cwd), cwd, given, allowOutside);
  if (!check.ok) {
    if (check.code === 'missing-spec') return { ok: false, message: `${given}: no such file` };
    if (check.code === 'spec-not-text') {
      return { ok: false, message: `${given} is not UTF-8 text (a PDF, a Word file, another encoding?); convert the spec to UTF-8 Markdown or plain text first` };
    }
    if (check.code === 'spec-not-file' && /a directory/.test(check.message)) return { ok: false, message: `${given} is a directory; pass the spec file` };
    return { ok: false, code: check.code, message: check.message };
  }
  const text = readTextCapped(check.absolute);
  if (text === null) return { ok: false, message: `${given}: cannot read it` };
  return { ok: true, absolute: path.resolve(cwd, given), text, outsideAllowed: check.outsideAllowed };
}
