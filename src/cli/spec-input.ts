/** Reading a spec document for `execplan prompt` and `execplan draft`: a UTF-8 text file inside the project. */
import path from 'node:path';
import { redactSecrets, scanSecrets } from '../secrets/index.js';
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';
import { checkProjectFile, projectRoot, readTextCapped } from '../project/files.js';

/** `outsideAllowed`: the file is outside the project and read only because `--allow-outside` allows it. */
export type ReadSpecResult = Result<{ absolute: string; text: string; outsideAllowed: boolean }, FailureOf<'input-unusable'> | FailureOf<'spec-rejected'>>;
const unusable = (message: string) => err({ kind: 'input-unusable' as const, message });

/** `given` as the user named it (messages use it), resolved against `cwd`; the project is the one around `cwd`. */
export async function readSpecFile(cwd: string, given: string, allowOutside: readonly string[] = []): Promise<ReadSpecResult> {
  const check = checkProjectFile(projectRoot(cwd), cwd, given, allowOutside);
  if (!check.ok) {
    if (check.code === 'missing-spec') return unusable(`${given}: no such file`);
    if (check.code === 'spec-not-text')
      return unusable(`${given} is not UTF-8 text (a PDF, a Word file, another encoding?); convert the spec to UTF-8 Markdown or plain text first`);
    if (check.code === 'spec-not-file' && /a directory/.test(check.message)) return unusable(`${given} is a directory; pass the spec file`);
    return err({ kind: 'spec-rejected', code: check.code, message: check.message });
  }
  const text = readTextCapped(check.absolute);
  if (text === null) return unusable(`${given}: cannot read it`);
  return ok({ absolute: path.resolve(cwd, given), text, outsideAllowed: check.outsideAllowed });
}

/**
 * A spec as it may be shown in a prompt: every secret the scanner finds replaced by `[REDACTED:<kind>]`,
 * with one warning per secret at its file:line:col (the secret itself is never printed, only a preview).
 */
export function redactSpecText(given: string, text: string): { text: string; warnings: string[] } {
  const findings = scanSecrets(text);
  if (findings.length === 0) return { text, warnings: [] };
  return {
    text: redactSecrets(text),
    warnings: findings.map((f) => `${given}:${f.line}:${f.column}: warning secret-in-spec a ${f.kind} (${f.preview}) is shown as [REDACTED:${f.kind}]; keep secrets out of specs`),
  };
}
