/** What every renderer receives: the compiled plan, its analysis, and the few facts from outside. */
import type { PlanAnalysis } from '../analysis/index.js';
import type { CompiledPlan } from '../compiled.js';

export interface ArtifactContext {
  compiled: CompiledPlan;
  analysis: PlanAnalysis;
  /** RFC 3339; from SOURCE_DATE_EPOCH or the fixed value (timestamp.ts). */
  timestamp: string;
  /** execplan's version. */
  version: string;
  /** plan.yaml as read (the meta hash is of the parsed plan, not of this text). */
  planText: string;
  /**
   * Every warning the front end and the analysis reported (code and message, no positions: artifacts
   * must not change when only the plan's formatting does). Absent: the analysis' own warnings.
   */
  warnings?: readonly { code: string; message: string }[];
  /** plan.yaml's path relative to the output directory's parent, as the user named it. */
  planFile: string;
}

export const generatedBy = 'execplan';

/** The facts of an artifact's `generated` block; json.ts adds the content hash (one rule for every artifact). */
export function generated(ctx: ArtifactContext) {
  return { by: generatedBy, version: ctx.version, timestamp: ctx.timestamp };
}
