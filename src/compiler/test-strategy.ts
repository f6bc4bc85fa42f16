/**
 * Test strategy as a model transform, so compiled artifacts and the run see the same tasks.
 *
 * Applies to agent tasks only: a command task is a fixed script (nobody would write its tests), and a manual
 * task is a person's checklist. For an agent task X:
 * - test-first: a test-writing agent task `X.tests` blocks X. Its checks are X's `{run}` checks negated: the
 *   tests must exist and FAIL before X is implemented; X's own checks must pass after.
 * - test-parallel: `X.tests` runs beside X (same upstream), and joins before X's dependents.
 * - test-after: no extra task; X's acceptance checks run after X (the runner's normal behaviour).
 * - none: no extra task. Explicit acceptance checks still run: they are the definition of done, and
 *   dropping them silently would make "completed" untrustworthy.
 * A plan that already has a task named `X.tests` keeps it as written (no expansion for X).
 */
import type { AcceptanceCheck, Task } from '../types/plan.js';
import { roundHours } from './rounding.js';
import type { EdgeModel, PlanModel, TaskModel } from './model.js';

/** Share of the implementation's estimate given to writing its tests. */
export const TEST_TASK_SHARE = 0.5;

export const testTaskId = (id: string): string => `${id}.tests`;

function negatedChecks(task: TaskModel): AcceptanceCheck[] {
  return task.acceptance.flatMap((c): AcceptanceCheck[] =>
    typeof c !== 'string' && 'run' in c ? [{ run: `! ( ${c.run} )`, description: `fails before ${task.id} is implemented (test-first): \`${c.run}\`` }] : [],
  );
}

function testTask(task: TaskModel, strategy: 'test-first' | 'test-parallel'): TaskModel {
  const id = testTaskId(task.id);
  const criteria = task.acceptance.filter((c): c is string => typeof c === 'string');
  const description =
    `Write the automated tests for task ${task.id} (${task.title}) before or beside its implementation. ` +
    `Cover its acceptance criteria${criteria.length ? '' : ' and its description'}; do not implement ${task.id} itself.` +
    (strategy === 'test-first' ? ` The tests must fail until ${task.id} is done.` : '');
  const acceptance: AcceptanceCheck[] = [
    `Tests exist that verify: ${criteria.length ? criteria.join('; ') : task.title}`,
    ...(strategy === 'test-first' ? negatedChecks(task) : []),
  ];
  const hours = roundHours(task.hours * TEST_TASK_SHARE);
  const source: Task = {
    id,
    title: `Write tests for ${task.title}`,
    description,
    ...(task.stream !== null ? { stream: task.stream } : {}),
    ...(task.phase !== null ? { phase: task.phase } : {}),
    ...(task.feature !== null ? { feature: task.feature } : {}),
    ...(task.source.agent !== undefined ? { agent: task.source.agent } : {}),
    // Tests run where the implementation runs.
    ...(task.source.cwd !== undefined ? { cwd: task.source.cwd } : {}),
    ...(task.source.env !== undefined ? { env: task.source.env } : {}),
    test: 'none',
    acceptance,
  };
  return {
    ...task,
    id,
    title: source.title,
    description,
    hours,
    durationSource: 'test-share',
    generatedFor: task.id,
    pert: {
      optimistic: roundHours(task.pert.optimistic * TEST_TASK_SHARE),
      likely: roundHours(task.pert.likely * TEST_TASK_SHARE),
      pessimistic: roundHours(task.pert.pessimistic * TEST_TASK_SHARE),
    },
    resources: {},
    files: [],
    test: 'none',
    acceptance,
    gate: null,
    evidence: [],
    produces: [],
    consumes: [],
    complexity: null,
    category: null,
    guidance: null,
    avoidConcurrentWith: [],
    source,
  };
}

const edge = (from: string, to: string, reason: string): EdgeModel => ({
  from,
  to,
  type: 'sequential',
  confidence: 1,
  hard: true,
  reason,
  evidence: [],
  origin: 'deps',
  scheduled: true,
});

export function expandTestStrategy(model: PlanModel): PlanModel {
  const ids = new Set(model.tasks.map((t) => t.id));
  const expand = model.tasks.filter((t) => t.kind === 'agent' && (t.test === 'test-first' || t.test === 'test-parallel') && !ids.has(testTaskId(t.id)));
  if (expand.length === 0) return model;
  const tests = new Map(expand.map((t) => [t.id, testTask(t, t.test as 'test-first' | 'test-parallel')]));
  const ordered: TaskModel[] = [];
  for (const task of model.tasks) {
    const test = tests.get(task.id);
    if (test) ordered.push(test);
    ordered.push(task);
  }
  // The test task sits right before its implementation in plan order (the launch tie-break).
  const tasks = ordered.map((t, index) => ({ ...t, index }));
  const strategy = new Map(expand.map((t) => [t.id, t.test]));

  const edges: EdgeModel[] = [];
  for (const e of model.edges) {
    const test = tests.get(e.to);
    // The test task needs the same upstream as the implementation (it reads the same interfaces).
    if (test) edges.push({ ...e, to: test.id });
    edges.push(e);
    const joined = tests.get(e.from);
    if (joined && strategy.get(e.from) === 'test-parallel' && e.scheduled) {
      edges.push(edge(joined.id, e.to, `test-parallel: tests of ${e.from} join before its dependents`));
    }
  }
  for (const [id, test] of tests) {
    if (strategy.get(id) === 'test-first') edges.push(edge(test.id, id, `test-first: tests of ${id} are written before it`));
  }
  return { ...model, tasks, edges };
}
