/* Generated from the JSON Schema by `npm run gen:types`. Do not edit by hand. */

/**
 * The scope of a spec before any plan exists, as `execplan assess` asks a coding agent for it and prints it with --json: can one agent do it, does it want parallel agents, or must the spec be split first.
 */
export interface Assessment {
  /**
   * single-agent: one agent does it all in one session; multi-agent: parallel streams pay off; decomposition-required: split the spec into several plans first.
   */
  recommendation: 'single-agent' | 'multi-agent' | 'decomposition-required';
  /**
   * How sure the assessment is.
   */
  confidence: 'high' | 'medium' | 'low';
  /**
   * One or two sentences: why this recommendation.
   */
  rationale: string;
  drivers: {
    /**
     * Parts of the system the spec touches.
     */
    components: string[];
    /**
     * Where those parts meet (APIs, schemas, shared files).
     */
    integration_points: string[];
    /**
     * What could make the work larger or fail.
     */
    risks: string[];
    /**
     * Total effort for one experienced engineer, in hours.
     */
    estimated_hours: number;
  };
}
