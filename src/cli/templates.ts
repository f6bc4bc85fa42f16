/** Reads the nunjucks templates shipped in the package's templates/ (the compiler itself never touches fs). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Templates } from '../compiler/artifacts/markdown.js';

/** dist/cli/templates.js -> <package>/templates */
export const templatesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

export async function loadArtifactTemplates(): Promise<Templates> {
  const [plan, decisions] = await Promise.all([
    readFile(path.join(templatesDir, 'Plan.md.njk'), 'utf8'),
    readFile(path.join(templatesDir, 'Decisions.md.njk'), 'utf8'),
  ]);
  return { plan, decisions };
}
