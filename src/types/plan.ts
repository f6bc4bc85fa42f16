/* Generated from the JSON Schema by `npm run gen:types`. Do not edit by hand. */

/**
 * How many times a failed attempt is retried (with exponential backoff).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "retries".
 */
export type Retries = number;
/**
 * A duration: a number of hours (e.g. 1.5) or a string with a unit: `45m`, `2h`, `1h30m`, `90s`, `2d` (working days of 8 hours). Never negative.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "duration".
 */
export type Duration = number | string;
/**
 * Validation strategy: test-first (a test task blocks the implementation), test-after (checks run after it), test-parallel (tests written beside it), none (docs, config).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "testStrategy".
 */
export type TestStrategy = 'test-first' | 'test-after' | 'test-parallel' | 'none';
/**
 * An identifier: starts with a letter or digit, then letters, digits, '.', '_' or '-'.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "id".
 */
export type Id = string;
/**
 * Business priority: critical, high, medium or low.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "priority".
 */
export type Priority = 'critical' | 'high' | 'medium' | 'low';
/**
 * What in the spec this rests on: a string (a quote or a section reference, as written), or a list of quotes with where they are. With `spec:` given, `validate` warns when a quoted line is not in the spec.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "evidence".
 */
export type Evidence = string | EvidenceQuote[];
/**
 * An interface name with its version, e.g. AuthAPI:v2. A consumer depends on every task that produces it.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "interface".
 */
export type Interface = string;
/**
 * An acceptance criterion: a sentence for people and agents, or a machine check run after the task (`{ run: cmd }` must exit 0; `{ file: path }` must exist).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "acceptanceCheck".
 */
export type AcceptanceCheck =
  | string
  | {
      /**
       * Shell command that must exit 0.
       */
      run: string;
      /**
       * What the check proves.
       */
      description?: string;
      timeout?: Duration;
    }
  | {
      /**
       * Path (relative to plan.yaml) that must exist.
       */
      file: string;
      /**
       * Text the file must contain.
       */
      contains?: string;
      description?: string;
    };
/**
 * A name: starts with a letter or digit, then letters, digits, '.', '_' or '-'.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "name".
 */
export type Name = string;

/**
 * An execplan plan (plan.yaml, version 1): tasks with dependencies, estimates and acceptance criteria, optionally grouped into streams, phases and features, sharing limited resources. `execplan validate` checks it; `execplan compile` turns it into a schedule; `execplan run` executes it.
 */
export interface Plan {
  /**
   * Plan format version. Always 1.
   */
  version: 1;
  /**
   * Short machine name of the plan (a slug: lowercase letters, digits and dashes). Used in ids, branch names (`execplan/<name>/<stream>`) and beads ids.
   */
  name: string;
  /**
   * Human title of the plan, shown in Plan.md and as the beads epic.
   */
  title?: string;
  /**
   * What the plan delivers and why, in a few sentences.
   */
  description?: string;
  /**
   * Path(s) of the source specification(s), relative to plan.yaml. Agent tasks receive them in full (never trimmed).
   */
  spec?: string | string[];
  /**
   * What the plan builds on in the existing repository, as its author found it (execplan draft shows the agent an inventory of the repository's folders and exported symbols). Recorded in tasks.json as meta.codebase_analysis so reviewers see what the plan extends.
   */
  codebase?: {
    /**
     * Existing modules, classes or interfaces the tasks call or change, e.g. AuthService.
     */
    existing_apis?: string[];
    /**
     * Existing components reused as they are, e.g. Logger.
     */
    reused_components?: string[];
    /**
     * Base classes or interfaces new code extends or implements, e.g. BaseController.
     */
    extension_points?: string[];
  };
  settings?: Settings;
  defaults?: Defaults;
  /**
   * Shared resources tasks compete for, by name. Capacity 1 makes a resource exclusive (a lock, e.g. the migration tool); a larger capacity is a pool (e.g. 3 test databases). A task claims units with `resources: { name: units }`.
   */
  resources?: {
    [k: string]: Resource;
  };
  /**
   * Work streams by name: groups of related tasks owned by one agent or person, each owning a set of paths. No two streams should own the same files (prevents merge conflicts when streams run in parallel).
   */
  streams?: {
    [k: string]: Stream;
  };
  /**
   * Ordered barriers. Every task of a phase starts only after every task of all earlier phases has finished. Within a phase tasks run in parallel unless they depend on each other.
   */
  phases?: Phase[];
  /**
   * High-level capabilities the plan delivers; tasks point at them with `feature`.
   */
  features?: Feature[];
  /**
   * What one stream must hand to another and when (for example data -> api after the foundation phase: model schemas). Rendered in Plan.md and given to the agents of both streams.
   */
  communication?: Communication[];
  /**
   * The units of work. Order matters only as a tie-break: among tasks equally urgent, earlier ones launch first.
   */
  tasks: Task[];
}
/**
 * Scheduling settings of this plan. Command-line flags override them; they override execplan.config.yaml.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "settings".
 */
export interface Settings {
  /**
   * Dependencies with a confidence below this are reported, not scheduled (default 0.7).
   */
  min_confidence?: number;
  /**
   * Most tasks in one wave of the wave schedule (default 30).
   */
  max_wave_size?: number;
  /**
   * What `execplan run --worktrees` does when a task's commit changes paths outside its files, its stream's owns, or inside its boundaries.excludes: warn (default: report it) or fail (the task fails).
   */
  scope?: 'warn' | 'fail';
  /**
   * Most tasks running at once in the rolling-frontier schedule and in `execplan run` (default 10).
   */
  max_concurrency?: number;
  /**
   * The machine the plan is scheduled for, as the capacity of the per-task `cpu` and `memory` hints (defaults: 4 cores, 16GiB). A value of the compiled plan, not of the machine that compiles it, so artifacts are the same everywhere.
   */
  machine?: {
    /**
     * Cores.
     */
    cpu?: number;
    /**
     * Memory, e.g. '32GiB'.
     */
    memory?: string;
  };
  /**
   * Apply the hard-fail review rules on every validate and compile (as `validate --strict` does): estimates on at least half the tasks, an acceptance check on every task, a shared resource behind every mutual_exclusion dependency, no secret in evidence, boundaries on every agent task.
   */
  strict?: boolean;
  /**
   * Paths that tasks only mention in their descriptions: enforce (default) keeps such tasks apart like declared `files`; report lists the conflict without scheduling around it.
   */
  description_conflicts?: 'enforce' | 'report';
  /**
   * The model recommended to the runner: rolling_frontier (default) or wave_based.
   */
  execution_model?: 'rolling_frontier' | 'wave_based';
  /**
   * Hours that each t-shirt `size` stands for when a task has no `estimate` (defaults XS 0.5, S 1, M 3, L 6, XL 12).
   */
  size_hours?: {
    XS?: number;
    S?: number;
    M?: number;
    L?: number;
    XL?: number;
  };
  /**
   * Improvement iterations of the frontier scheduler (default depends on plan size). Bounded by count, never by time, so every machine gets the same schedule.
   */
  optimize_iterations?: number;
  /**
   * true: `execplan run` refuses to start until `execplan approve --plan --reason TEXT` has approved this plan's current content (any change of meaning voids the approval).
   */
  require_approval?: boolean;
  /**
   * Limits on the task logs `execplan run` keeps in .execplan/logs/.
   */
  logs?: {
    /**
     * Most bytes one attempt's log keeps (default 20 MiB): its beginning and its end, with a marked gap between. Plain console output of a task is capped the same way.
     */
    max_bytes_per_attempt?: number;
    /**
     * Logs of this many most recent runs are kept; older runs' logs are removed when a run starts (default: all are kept; `execplan prune --keep N` does it by hand).
     */
    keep_runs?: number;
  };
  /**
   * Telling beads (the `bd` CLI) what the run does.
   */
  beads?: {
    /**
     * When true, `execplan run` marks each task's beads issue in_progress when it starts, closes it when done and marks it blocked when it fails (like `run --beads-sync`).
     */
    sync?: boolean;
    /**
     * Id prefix of the beads issues (default: the plan name), for `export beads` and the sync alike, so the sync finds the issues the export wrote.
     */
    prefix?: string;
  };
}
/**
 * Values every task gets unless it sets its own.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "defaults".
 */
export interface Defaults {
  agent?: Agent;
  retries?: Retries;
  timeout?: Duration;
  /**
   * Working directory of commands, relative to plan.yaml.
   */
  cwd?: string;
  env?: Env;
  test?: TestStrategy;
}
/**
 * Run a coding agent for this task. The prompt is rendered from templates/agent-prompt.njk with the task, its acceptance criteria, the full spec and the results of upstream tasks.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "agent".
 */
export interface Agent {
  /**
   * Agent profile from execplan.config.yaml (claude, codex, gemini, or your own). Default: the config's default profile.
   */
  profile?: string;
  /**
   * Extra instructions added to the rendered prompt.
   */
  prompt?: string;
  /**
   * Model name passed to the agent CLI, when the profile supports it.
   */
  model?: string;
}
/**
 * Environment variables for the task's commands.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "env".
 */
export interface Env {
  [k: string]: string;
}
/**
 * A shared resource.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "resource".
 */
export interface Resource {
  /**
   * Units available at once. 1 = exclusive (mutual exclusion).
   */
  capacity: number;
  /**
   * Why the resource is limited (shown in Plan.md and Decisions.md).
   */
  reason?: string;
  /**
   * Where the resource lives (a path, a URL, a host).
   */
  location?: string;
}
/**
 * A work stream: related tasks handled by one agent, owning a set of paths.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "stream".
 */
export interface Stream {
  /**
   * Responsibility of the stream, e.g. 'Database models and migrations'.
   */
  title?: string;
  /**
   * Glob patterns of the paths this stream owns (e.g. `src/models/**`). A task's `files` should fall inside its stream's `owns`.
   */
  owns?: string[];
  /**
   * Skills the stream's agent should load (e.g. backend-api).
   */
  skills?: string[];
  agent?: Agent;
  /**
   * Who is accountable for this work (a person or team, as you name them); `execplan report --owner` filters by it.
   */
  owner?: string;
}
/**
 * A phase (barrier).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "phase".
 */
export interface Phase {
  id: Id;
  title?: string;
  description?: string;
}
/**
 * A feature (capability) the plan delivers.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "feature".
 */
export interface Feature {
  id: Id;
  title: string;
  description?: string;
  priority?: Priority;
}
/**
 * A hand-off between streams.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "communication".
 */
export interface Communication {
  /**
   * Stream that provides the information.
   */
  from: string;
  /**
   * Stream that needs it.
   */
  to: string;
  /**
   * Phase after which it is handed over (a phase id).
   */
  after?: string;
  /**
   * What is handed over, e.g. 'Model schemas and field types'.
   */
  what: string;
}
/**
 * A unit of work. With `run` it is a command task (Makefile-style), with `agent` (or `defaults.agent`) an agent task, with neither a manual task that waits for `execplan done <id>`.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "task".
 */
export interface Task {
  /**
   * An identifier: starts with a letter or digit, then letters, digits, '.', '_' or '-'.
   */
  id: string;
  /**
   * Starts with a verb: 'Create user model', not 'User model'.
   */
  title: string;
  /**
   * What must happen (not how). File paths mentioned here are used to predict conflicts.
   */
  description?: string;
  /**
   * Id of the feature this task belongs to.
   */
  feature?: string;
  /**
   * Name of the stream this task belongs to.
   */
  stream?: string;
  /**
   * Id of the phase this task belongs to.
   */
  phase?: string;
  priority?: Priority;
  /**
   * Ids of tasks that must finish before this one starts (hard, confidence 1).
   */
  needs?: Id[];
  /**
   * Dependencies in full form, with type, confidence and hardness.
   */
  deps?: Dependency[];
  /**
   * Effort in hours (3), as a duration ('90m'), or as a PERT estimate {optimistic, likely, pessimistic}.
   */
  estimate?: number | string | Pert;
  /**
   * T-shirt size when there is no estimate: XS, S, M, L or XL (hours from settings.size_hours).
   */
  size?: 'XS' | 'S' | 'M' | 'L' | 'XL';
  /**
   * Risk level: low, medium or high. High-risk tasks are recommended test-first.
   */
  risk?: 'low' | 'medium' | 'high';
  test?: TestStrategy;
  /**
   * Glob patterns of the files the task will modify. Tasks whose files overlap never run at the same time.
   */
  files?: string[];
  /**
   * Units of shared resources the task holds while it runs, e.g. { db-migrations: 1 }.
   */
  resources?: {
    [k: string]: number;
  };
  /**
   * Cores the task keeps busy while it runs (an agent with its builds and tests). Counts against the resource `cpu` (settings.machine.cpu cores, or the plan's own `cpu` resource; default 4), in both schedules and at run time.
   */
  cpu?: number;
  /**
   * Memory the task needs while it runs, e.g. '4GiB'. Counts against the resource `memory` in whole GiB (settings.machine.memory, or the plan's own `memory` resource; default 16GiB), in both schedules and at run time.
   */
  memory?: string;
  /**
   * Skills needed beyond the stream's.
   */
  skills?: string[];
  /**
   * Sub-tasks: what needs to happen, not how.
   */
  steps?: string[];
  boundaries?: Boundaries;
  evidence?: Evidence;
  /**
   * Interfaces this task makes available to others, e.g. [AuthAPI:v2]. Written to tasks.json as interfaces_produced.
   */
  produces?: Interface[];
  /**
   * Interfaces this task uses, e.g. [UserRepository:v1]. It gets an inferred technical dependency (confidence 0.9) on each task that produces one; an interface no task produces is a warning.
   */
  consumes?: Interface[];
  /**
   * Quantified size: '~120 LoC' or {value, breakdown}. Written to tasks.json as boundaries.expected_complexity (boundaries.complexity is the same, older spelling).
   */
  complexity?: string | ComplexitySpec;
  /**
   * What kind of work it is: foundation (what others build on), implementation, integration (wiring parts together) or optimization.
   */
  category?: 'foundation' | 'implementation' | 'integration' | 'optimization';
  /**
   * How the task reports while it runs: log lines at start, progress and completion, and checkpoints. Written to tasks.json as execution_guidance and given to agents in their prompt.
   */
  guidance?: {
    /**
     * What to log and when.
     */
    logging?: {
      /**
       * What to log when the task starts.
       */
      on_start?: string;
      /**
       * What to log as it progresses.
       */
      on_progress?: string;
      /**
       * What to log when it is done (a summary).
       */
      on_completion?: string;
      /**
       * The shape of each log line, e.g. 'JSON with task_id, timestamp, event'.
       */
      log_format?: string;
    };
    /**
     * Points at which to stop and verify, in order, e.g. 'After endpoint 1: run the auth tests'.
     */
    checkpoints?: string[];
  };
  /**
   * Ids of tasks this one must never run at the same time as (in either order), for reasons files and resources do not capture. Enforced like a file conflict in both schedules and by `execplan run`.
   */
  avoid_concurrent_with?: Id[];
  /**
   * Acceptance criteria. Strings are for people and agents; `{run}` and `{file}` checks run after the task, which is done only when they pass.
   */
  acceptance?: AcceptanceCheck[];
  /**
   * Shell command (or list of commands run in order) that performs the task.
   */
  run?: string | string[];
  agent?: Agent;
  /**
   * Working directory, relative to plan.yaml (default: plan.yaml's directory).
   */
  cwd?: string;
  env?: Env;
  /**
   * Glob patterns of the files the task reads. With inputs set, the task is skipped as fresh when inputs, command and upstream results are unchanged since its last success.
   */
  inputs?: string[];
  /**
   * Glob patterns of the files the task produces; they must exist for the task to count as fresh.
   */
  outputs?: string[];
  retries?: Retries;
  /**
   * A duration: a number of hours (e.g. 1.5) or a string with a unit: `45m`, `2h`, `1h30m`, `90s`, `2d` (working days of 8 hours). Never negative.
   */
  timeout?: number | string;
  /**
   * approve: the task waits for `execplan approve <id>` before it starts (a review gate).
   */
  gate?: 'approve';
  /**
   * Who is accountable for this work (a person or team, as you name them); `execplan report --owner` filters by it.
   */
  owner?: string;
}
/**
 * A dependency in full form. The task depends on `task` (finish-to-start).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "dependency".
 */
export interface Dependency {
  /**
   * An identifier: starts with a letter or digit, then letters, digits, '.', '_' or '-'.
   */
  task: string;
  /**
   * Kind of dependency: technical (needs an interface or artifact), sequential (information flow), infrastructure (environment prerequisite), knowledge (learning), mutual_exclusion (shared exclusive resource), resource_limited (limited capacity).
   */
  type?: 'technical' | 'sequential' | 'infrastructure' | 'knowledge' | 'mutual_exclusion' | 'resource_limited';
  /**
   * How sure the planner is that this dependency is real, 0..1 (default 1). Below `min_confidence` it is reported, not scheduled.
   */
  confidence?: number;
  /**
   * false makes it a soft dependency: reported (and given to agents as context) but not scheduled. Default true.
   */
  hard?: boolean;
  /**
   * Why the dependency exists.
   */
  reason?: string;
  evidence?: Evidence;
}
/**
 * One quote from the spec.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "evidenceQuote".
 */
export interface EvidenceQuote {
  /**
   * Text copied from the spec. Checked line by line (whitespace-insensitive) against the spec files when `spec:` is given.
   */
  quote: string;
  /**
   * The heading it sits under, e.g. 'H2: Authentication'.
   */
  section?: string;
  /**
   * Line of the spec where the quote starts (1-based).
   */
  line?: number;
}
/**
 * A three-point (PERT) estimate in hours. The expected duration is (optimistic + 4 * likely + pessimistic) / 6.
 */
export interface Pert {
  /**
   * A duration: a number of hours (e.g. 1.5) or a string with a unit: `45m`, `2h`, `1h30m`, `90s`, `2d` (working days of 8 hours). Never negative.
   */
  optimistic: number | string;
  /**
   * A duration: a number of hours (e.g. 1.5) or a string with a unit: `45m`, `2h`, `1h30m`, `90s`, `2d` (working days of 8 hours). Never negative.
   */
  likely: number | string;
  /**
   * A duration: a number of hours (e.g. 1.5) or a string with a unit: `45m`, `2h`, `1h30m`, `90s`, `2d` (working days of 8 hours). Never negative.
   */
  pessimistic: number | string;
}
/**
 * Task boundaries: how big the task is expected to be, when to stop, and what not to touch. Given to agents verbatim.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "boundaries".
 */
export interface Boundaries {
  /**
   * Quantified size, e.g. '~120 LoC, 3 endpoints'.
   */
  complexity?: string;
  /**
   * Where the task ends, to prevent scope creep, e.g. 'Do NOT implement MFA'.
   */
  stop_when?: string;
  /**
   * Paths or areas the task must not modify.
   */
  excludes?: string[];
}
export interface ComplexitySpec {
  /**
   * The size in one phrase, e.g. '~120 LoC'.
   */
  value: string;
  /**
   * Where the size comes from, e.g. '3 endpoints (40 LoC each), 2 middleware functions'.
   */
  breakdown?: string;
}
