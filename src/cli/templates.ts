/** Reads the nunjucks templates shipped in the package's templates/ (the compiler itself never touches fs). */
import { readFile } from 'node:fs/promises';
import type { Templates } from '../compiler/artifacts/markdown.js';
import { templatePath } from '../paths.js';

export async function loadArtifactTemplates(): Promise<Templates> {
  const [plan, decisions] = await Promise.all([readFile(templatePath('Plan.md.njk'), 'utf8'), readFile(templatePath('Decisions.md.njk'), 'utf8')]);
  return { plan, decisions };
}
