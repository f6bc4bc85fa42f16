/* Generated from the JSON Schema by `npm run gen:types`. Do not edit by hand. */

/**
 * execplan.config.yaml: project-wide defaults. Precedence: command-line flags > plan.yaml `settings` > this file > built-in defaults.
 */
export interface Config {
  /**
   * Default for `execplan run --concurrency` and the frontier schedule's concurrency limit (built-in default 10).
   */
  concurrency?: number;
  /**
   * Where `execplan compile` writes artifacts, relative to the plan (built-in default tasks_output).
   */
  out_dir?: string;
  /**
   * Dependencies below this confidence are reported, not scheduled (built-in default 0.7).
   */
  min_confidence?: number;
  /**
   * Most tasks per wave (built-in default 30).
   */
  max_wave_size?: number;
  /**
   * Hours per t-shirt size (built-in defaults XS 0.5, S 1, M 3, L 6, XL 12).
   */
  size_hours?: {
    XS?: number;
    S?: number;
    M?: number;
    L?: number;
    XL?: number;
  };
  /**
   * Agent profile used by agent tasks that name none (built-in default claude).
   */
  default_profile?: string;
  /**
   * Agent profiles by name: how to invoke a coding agent CLI. Merged over the built-in profiles claude, codex and gemini.
   */
  profiles?: {
    [k: string]: Profile;
  };
  /**
   * Thresholds of the planning analysis shown in Plan.md (scope assessment, over-decomposition guards, split suggestions). docs/artifacts.md explains each rule.
   */
  analysis?: {
    /**
     * At most this much total work (hours) is one agent's job (default 16).
     */
    single_agent_max_hours?: number;
    /**
     * Total work / critical path below this recommends a single agent (default 1.5).
     */
    min_parallelism?: number;
    /**
     * Above this much total work (hours) the spec should be split into several plans (default 320).
     */
    decomposition_hours?: number;
    /**
     * Above this many tasks the spec should be split into several plans (default 150).
     */
    decomposition_tasks?: number;
    /**
     * Agent and manual tasks shorter than this (hours) get a merge suggestion (default 0.5).
     */
    tiny_task_hours?: number;
    /**
     * An average task shorter than this (hours) means too many tasks for the effort (default 1).
     */
    min_average_task_hours?: number;
    /**
     * From this many tasks on the plan is flagged for explicit review (default 100).
     */
    large_plan_tasks?: number;
    /**
     * Tasks longer than this (hours) get a split suggestion (default 16).
     */
    split_above_hours?: number;
    /**
     * Size each part of a suggested split aims for (hours, default 8).
     */
    split_target_hours?: number;
    /**
     * Above this many tasks Plan.md shows a condensed phase/stream graph and no gantt (default 60).
     */
    condense_graph_above?: number;
  };
}
/**
 * How to run one coding agent CLI.
 *
 * This interface was referenced by `Config`'s JSON-Schema
 * via the `definition` "profile".
 */
export interface Profile {
  /**
   * argv template: the binary then its arguments. Placeholders: {{prompt}} (the prompt text, when prompt_via is argument), {{prompt_file}} (when file), {{model}}, {{cwd}}.
   *
   * @minItems 1
   */
  command?: string[];
  /**
   * How the prompt reaches the agent: argument, stdin or file.
   */
  prompt_via?: 'argument' | 'stdin' | 'file';
  /**
   * How to read the agent's output: stream-json (Claude Code), jsonl (Codex --json), json, or text.
   */
  output?: 'stream-json' | 'jsonl' | 'json' | 'text';
  /**
   * Extra environment variables.
   */
  env?: {
    [k: string]: string;
  };
  /**
   * Default timeout of an agent task ('30m', '2h').
   */
  timeout?: string;
  /**
   * What to do when the prompt or spec contains something that looks like a secret: redact it (default for hosted providers), warn, or block the dispatch.
   */
  secrets?: 'redact' | 'warn' | 'block';
  /**
   * What to tell the user when the binary is missing.
   */
  install_hint?: string;
  /**
   * Default model name for {{model}}.
   */
  model?: string;
}
