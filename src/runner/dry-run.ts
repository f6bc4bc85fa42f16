/** `execplan run --dry-run`: the launch order (one slot, every task succeeding) and what would be fresh. */
import { fingerprint, outputsExist } from './fingerprint.js';
import type { RunPlan } from './plan-view.js';
import type { RunState } from './state.js';

export interface DryRunRow {
  task: string;
  action: 'run' | 'fresh' | 'already-done' | 'manual' | 'approval';
}

export function dryRun(plan: RunPlan, state: RunState, selected: Set<string>, force: boolean): DryRunRow[] {
  const resume = state.journal.seq > 0 && state.lastOutcome !== 'completed';
  const finished = new Set<string>();
  const willRun = new Set<string>();
  const rows: DryRunRow[] = [];
  const phaseDone = (p: number) => plan.order.every((t) => !selected.has(t.model.id) || t.model.phaseIndex < 0 || t.model.phaseIndex >= p || finished.has(t.model.id));
  while (finished.size < selected.size) {
    const next = plan.order
      .filter(
        (t) =>
          selected.has(t.model.id) &&
          !finished.has(t.model.id) &&
          t.deps.every((d) => finished.has(d) || !selected.has(d)) &&
          (t.model.phaseIndex < 0 || phaseDone(t.model.phaseIndex)),
      )
      .sort((a, b) => a.rank - b.rank)[0];
    if (!next) break;
    const id = next.model.id;
    const s = state.tasks[id];
    let action: DryRunRow['action'] = 'run';
    const unchanged = s?.definition === next.definition;
    if (resume && unchanged && (s?.status === 'done' || s?.status === 'fresh' || s?.status === 'skipped') && !next.deps.some((d) => willRun.has(d))) action = 'already-done';
    else if (next.model.kind === 'manual') action = 'manual';
    else if (
      !force &&
      next.inputs.length &&
      s?.fingerprint &&
      !next.deps.some((d) => willRun.has(d)) &&
      fingerprint(
        next,
        plan.planDir,
        next.deps.map((d) => state.tasks[d]?.fingerprint ?? null),
      ) === s.fingerprint &&
      outputsExist(next, plan.planDir)
    )
      action = 'fresh';
    else if (next.model.gate === 'approve' && !s?.approved) action = 'approval';
    if (action !== 'fresh' && action !== 'already-done') willRun.add(id);
    rows.push({ task: id, action });
    finished.add(id);
  }
  return rows;
}
