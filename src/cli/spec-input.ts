/** Reading a spec document for `execplan prompt` and `execplan draft`: UTF-8 text only. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';

export type ReadSpecResult = Result<{ absolute: string; text: string }, FailureOf<'input-unusable'>>;
const unusable = (message: string) => err({ kind: 'input-unusable' as const, message });

/** `given` as the user named it (messages use it), resolved against `cwd`. */
export async function readSpecFile(cwd: string, given: string): Promise<ReadSpecResult> {
  const absolute = path.resolve(cwd, given);
  try {
    if ((await stat(absolute)).isDirectory()) return unusable(`${given} is a directory; pass the spec file`);
    const text = decodeText(await readFile(absolute));
    if (text === null) {
      return unusable(`${given} is not UTF-8 text (a PDF, a Word file, another encoding?); convert the spec to UTF-8 Markdown or plain text first`);
    }
    return ok({ absolute, text });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return unusable(`${given}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(error)})`}`);
  }
}

/** The text of a UTF-8 file, or null for a binary one: a spec.pdf must not reach the LLM as mojibake. */
function decodeText(bytes: Buffer): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
