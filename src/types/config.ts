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
   * Machine capacity (default off): before launching a task, `execplan run` checks the load average per core and the free memory (the smaller of the system's and the cgroup's) and waits while either is past its threshold, saying why in status.
   */
  backpressure?: {
    /**
     * Most 1-minute load average per core at which tasks still start, e.g. 0.9.
     */
    max_load?: number;
    /**
     * Least free memory at which tasks still start, e.g. '2GiB', '512MiB'.
     */
    min_free_memory?: string;
  };
  budget?: Budget;
  /**
   * Agent profile used by agent tasks that name none, and by `execplan draft` (built-in default claude).
   */
  default_profile?: string;
  /**
   * Agent profiles by name: how to invoke a coding agent CLI. Merged over the built-in profiles claude, codex and gemini.
   */
  profiles?: {
    [k: string]: Profile;
  };
  /**
   * Path of a nunjucks template that replaces templates/agent-prompt.njk for agent prompts (relative to the config file).
   */
  prompt_template?: string;
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
 * Run budget of all agents together (default none): when reached, no new agent starts and the run stops cleanly (exit 7) naming the budget.
 */
export interface Budget {
  /**
   * Input plus output tokens the agents reported.
   */
  tokens?: number;
  /**
   * US dollars the agents reported.
   */
  cost_usd?: number;
}
/**
 * How to run one coding agent CLI. A profile named like a built-in (claude, codex, gemini) is merged over it field by field (vars merged key by key).
 *
 * This interface was referenced by `Config`'s JSON-Schema
 * via the `definition` "profile".
 */
export interface Profile {
  /**
   * argv template: the binary then its arguments (no shell). Placeholders: {{prompt}} (the prompt text, with prompt_via argument), {{prompt_file}} (with prompt_via file), {{model}}, {{cwd}}, {{json_schema}} (execplan draft: the plan schema as JSON), and any name in `vars`. An argument that is exactly one placeholder with no value is dropped together with the flag right before it (`--model {{model}}` disappears when no model is set).
   *
   * @minItems 1
   */
  command?: string[];
  /**
   * Extra arguments appended to the command (same placeholders).
   */
  args?: string[];
  /**
   * Arguments appended for `execplan draft` (e.g. Claude's --json-schema {{json_schema}}).
   */
  draft_args?: string[];
  /**
   * Arguments appended when a task continues its stream's agent session; {{session_id}} is the session to continue (Claude Code: --resume {{session_id}} --fork-session). Empty: the CLI cannot continue a session and every task starts a new one.
   */
  resume_args?: string[];
  /**
   * Whether consecutive tasks of a stream continue that stream's agent session (the last finished task's, in the same working directory) when the profile has resume_args. Default true.
   */
  stream_session?: boolean;
  /**
   * Values of profile-specific placeholders, e.g. permission_mode and allowed_tools for claude, sandbox for codex, approval_mode for gemini. An empty string means unset.
   */
  vars?: {
    [k: string]: string;
  };
  /**
   * How the prompt reaches the agent: stdin (default; no size limit), argument (one argv element; the OS limits it to 128 KiB) or file (written beside the attempt log, path in {{prompt_file}}).
   */
  prompt_via?: 'argument' | 'stdin' | 'file';
  /**
   * How to read the agent's output: stream-json (JSON events, one per line: Claude Code stream-json, Codex exec --json and Gemini stream-json are all recognised) or text.
   */
  output?: 'stream-json' | 'text';
  /**
   * Extra environment variables.
   */
  env?: {
    [k: string]: string;
  };
  budget?: Budget1;
  /**
   * Which of the agent's messages mean it hit a limit rather than failed: `usage` (a subscription window: no agent of this profile starts until its reset time) and `rate` (an API rate limit or overload: backoff and fewer agents at once). Regular expressions, matched case-insensitively against the agent's error texts and stderr. Each list given replaces the built-in one (claude, codex and gemini have built-ins).
   */
  limits?: {
    usage?: string[];
    rate?: string[];
  };
  /**
   * Timeout of an agent task that sets none itself ('30m', '2h').
   */
  timeout?: string;
  /**
   * What to do when the prompt or spec contains something that looks like a secret: redact it before sending (default), warn (send unchanged, print a warning; for local models) or block the dispatch (the task fails).
   */
  secrets?: 'redact' | 'warn' | 'block';
  /**
   * What to tell the user when the binary is missing.
   */
  install_hint?: string;
  /**
   * Default model name for {{model}} (a task's agent.model wins).
   */
  model?: string;
}
/**
 * Budget of this profile's agents in one run: when reached, no new agent of this profile starts and the run stops cleanly (exit 7).
 */
export interface Budget1 {
  /**
   * Input plus output tokens the agents reported.
   */
  tokens?: number;
  /**
   * US dollars the agents reported.
   */
  cost_usd?: number;
}
/**
 * This interface was referenced by `Config`'s JSON-Schema
 * via the `definition` "budget".
 */
export interface Budget2 {
  /**
   * Input plus output tokens the agents reported.
   */
  tokens?: number;
  /**
   * US dollars the agents reported.
   */
  cost_usd?: number;
}
