/** What `--only ID..` selects: the named tasks and everything they depend on, transitively. */
import type { RunPlan } from './plan-view.js';

/** Iterative, so a 50,000-task chain does not overflow the stack. Order: first reached first. */
export function dependencyClosure(plan: RunPlan, ids: readonly string[]): Set<string> {
  const out = new Set<string>();
  const stack = [...ids].reverse();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    const deps = plan.tasks.get(id)!.deps;
    for (let i = deps.length - 1; i >= 0; i--) if (!out.has(deps[i]!)) stack.push(deps[i]!);
  }
  return out;
}
