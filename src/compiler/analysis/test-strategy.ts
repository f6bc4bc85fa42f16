/**
 * Test strategy recommendation for tasks whose plan sets none. The user can always
 * override it by writing `test:` on the task. Rules, first match wins:
 *  1. documentation or configuration only (all files docs/markdown/config, or a docs/config verb) -> none
 *  2. risk high -> test-first (tests are the defence against hallucinated completion)
 *  3. vague acceptance (no machine check) and risk medium -> test-first (forces concrete verification)
 *  4. integration work (integrate/wire/connect/e2e in the title, or dependencies from other streams) -> test-parallel
 *  5. otherwise -> test-after
 */
import type { AnalysisInput } from '../compiled.js';
import type { TaskModel } from '../model.js';

export type TestStrategy = 'test-first' | 'test-after' | 'test-parallel' | 'none';

export interface TestStrategyChoice {
  task: string;
  strategy: TestStrategy;
  source: 'plan' | 'recommended';
  reason: string;
}

const docsOrConfigFile = /(^|\/)(docs?|documentation)\/|\.(md|mdx|rst|txt|adoc)$|\.(ya?ml|toml|ini|cfg|conf|env|json)$|(^|\/)\.[^/]+rc$|(^|\/)(LICENSE|CHANGELOG|README)/i;
const docsOrConfigTitle = /^(document|write (the )?docs|update (the )?docs|configure|bump|pin|rename)\b/i;
const integrationTitle = /\b(integrat\w*|wire|wiring|connect|end-to-end|e2e|hook up)\b/i;

export function recommendTestStrategies(compiled: AnalysisInput): TestStrategyChoice[] {
  const { model, graph } = compiled;
  const streamOf = new Map(model.tasks.map((t) => [t.id, t.stream]));
  const crossIn = new Set(graph.edges.filter((e) => streamOf.get(e.from) && streamOf.get(e.to) && streamOf.get(e.from) !== streamOf.get(e.to)).map((e) => e.to));
  return model.tasks.map((task) =>
    task.test ? { task: task.id, strategy: task.test, source: 'plan' as const, reason: 'set in the plan' } : recommend(task, crossIn.has(task.id)),
  );
}

function recommend(task: TaskModel, crossStreamInput: boolean): TestStrategyChoice {
  const pick = (strategy: TestStrategy, reason: string): TestStrategyChoice => ({ task: task.id, strategy, source: 'recommended', reason });
  const files = task.files;
  if ((files.length > 0 && files.every((f) => docsOrConfigFile.test(f))) || docsOrConfigTitle.test(task.title)) {
    return pick('none', 'documentation or configuration change');
  }
  if (task.risk === 'high') return pick('test-first', 'high risk: write the tests before the code');
  const machineChecks = task.acceptance.some((a) => typeof a !== 'string');
  if (task.risk === 'medium' && !machineChecks) return pick('test-first', 'medium risk with no machine-checkable acceptance: tests make "done" concrete');
  if (integrationTitle.test(task.title) || crossStreamInput) return pick('test-parallel', 'integration across components: tests written alongside');
  return pick('test-after', task.risk === 'low' ? 'low risk' : 'default for implementation work');
}
