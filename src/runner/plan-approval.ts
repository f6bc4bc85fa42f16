/**
 * Plan approval: a plan with `settings.require_approval: true` (or `run --require-approval`) runs only
 * after someone approved its current meaning. The approval signs the plan's version, a hash of the parsed
 * plan (see RunPlan.planVersion): comments and formatting can change without voiding it, any change to
 * what the plan says voids it.
 */
import type { PlanApproval, RunState } from './state.js';

export interface PlanApprovalStatus {
  /** The latest approval of this exact version, if any. */
  current: PlanApproval | null;
  /** The latest approval of an earlier version (the plan changed since), when there is no current one. */
  voided: PlanApproval | null;
}

export function currentPlanApproval(state: RunState, planVersion: string): PlanApprovalStatus {
  const approvals = state.planApprovals ?? [];
  const current = [...approvals].reverse().find((a) => a.planVersion === planVersion) ?? null;
  return { current, voided: current ? null : (approvals[approvals.length - 1] ?? null) };
}
