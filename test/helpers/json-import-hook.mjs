// @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }` (written for
// bundlers); Node 20 refuses that. This load hook serves those files as JSON modules.
import { readFile } from 'node:fs/promises';

export async function load(url, context, next) {
  if (url.endsWith('.json') && url.includes('/@actions/workflow-parser/')) {
    return { format: 'json', source: await readFile(new URL(url), 'utf8'), shortCircuit: true };
  }
  return next(url, context);
}
