/** Where the package's own files (templates/, schema/) live, whether running from dist/ or from src/ in tests. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this file is <root>/dist/paths.js (or <root>/src/paths.ts under tap). */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function templatePath(...parts: string[]): string {
  return path.join(packageRoot, 'templates', ...parts);
}
