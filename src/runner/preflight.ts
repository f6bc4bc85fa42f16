/** What stops a run before anything launches (exit 6): a task kind without an executor, or an executor that is not usable. */
import type { ExecutorContext, ExecutorRegistry } from './executor.js';
import type { RunPlan, RunTask } from './plan-view.js';

export async function preflightProblems(plan: RunPlan, selected: Iterable<string>, executors: ExecutorRegistry, context: ExecutorContext): Promise<string[]> {
  const problems: string[] = [];
  const byKind = new Map<string, RunTask[]>();
  for (const id of selected) {
    const task = plan.tasks.get(id)!;
    if (task.model.kind === 'manual') continue;
    const list = byKind.get(task.model.kind) ?? [];
    list.push(task);
    byKind.set(task.model.kind, list);
  }
  for (const [kind, tasks] of byKind) {
    const executor = executors[kind as 'command' | 'agent'];
    if (!executor) {
      problems.push(
        `no executor for ${kind} tasks (${tasks
          .map((t) => t.model.id)
          .slice(0, 5)
          .join(', ')}${tasks.length > 5 ? ', ...' : ''})`,
      );
      continue;
    }
    for (const p of await executor.preflight(
      tasks.map((t) => t.model),
      context,
    ))
      problems.push(p.task ? `${p.task}: ${p.message}` : p.message);
  }
  return problems;
}
