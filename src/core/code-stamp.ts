/**
 * execplan's own code as it is on disk, for the caches that keep what a computation gave (the plan model
 * of the last load, a journal checked against its snapshot): their key includes it, so a rebuilt or
 * upgraded execplan never serves what another build computed.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '../compiler/artifacts/json.js';
import { version } from '../cli/version.js';

/** The folder of execplan's modules: dist/ when built, src/ when run from the sources. */
const codeRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
let ownStamp: string | undefined;

/**
 * execplan's code as it is on disk: its version and the size and modification time of every module file
 * under `root`. A rebuilt execplan never reads a model normalized by another build. About 250 stats.
 */
export function codeStamp(root: string = codeRoot): string {
  if (root === codeRoot && ownStamp !== undefined) return ownStamp;
  const parts: string[] = [version];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(m?js|ts|json)$/.test(entry.name)) {
        const info = statSync(full);
        parts.push(`${path.relative(root, full)}:${info.size}:${info.mtimeMs}`);
      }
    }
  };
  walk(root);
  const stamp = sha256(parts.join('\n'));
  if (root === codeRoot) ownStamp = stamp;
  return stamp;
}
