/** The packaged Plan.md and Decisions.md templates, read at the edge (the compiler itself never touches fs). */
import type { Templates } from '../compiler/artifacts/markdown.js';
import { readPackagedTemplate } from '../core/template-files.js';

export async function loadArtifactTemplates(): Promise<Templates> {
  return { plan: readPackagedTemplate('Plan.md.njk'), decisions: readPackagedTemplate('Decisions.md.njk') };
}
