/* Generated from the JSON Schema by `npm run gen:types`. Do not edit by hand. */
export const planSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://execplan.dev/schema/plan.schema.json",
  "title": "Plan",
  "description": "An execplan plan (plan.yaml, version 1): tasks with dependencies, estimates and acceptance criteria, optionally grouped into streams, phases and features, sharing limited resources. `execplan validate` checks it; `execplan compile` turns it into a schedule; `execplan run` executes it.",
  "type": "object",
  "additionalProperties": false,
  "required": [
    "version",
    "name",
    "tasks"
  ],
  "properties": {
    "version": {
      "description": "Plan format version. Always 1.",
      "const": 1
    },
    "name": {
      "description": "Short machine name of the plan (a slug: lowercase letters, digits and dashes). Used in ids, branch names (`execplan/<name>/<stream>`) and beads ids.",
      "type": "string",
      "pattern": "^[a-z0-9][a-z0-9-]*$",
      "maxLength": 64
    },
    "title": {
      "description": "Human title of the plan, shown in Plan.md and as the beads epic.",
      "type": "string"
    },
    "description": {
      "description": "What the plan delivers and why, in a few sentences.",
      "type": "string"
    },
    "spec": {
      "description": "Path(s) of the source specification(s), relative to plan.yaml. Agent tasks receive them in full (never trimmed).",
      "oneOf": [
        {
          "type": "string",
          "minLength": 1
        },
        {
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          }
        }
      ]
    },
    "codebase": {
      "description": "What the plan builds on in the existing repository, as its author found it (execplan draft shows the agent an inventory of the repository's folders and exported symbols). Recorded in tasks.json as meta.codebase_analysis so reviewers see what the plan extends.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "existing_apis": {
          "description": "Existing modules, classes or interfaces the tasks call or change, e.g. AuthService.",
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          }
        },
        "reused_components": {
          "description": "Existing components reused as they are, e.g. Logger.",
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          }
        },
        "extension_points": {
          "description": "Base classes or interfaces new code extends or implements, e.g. BaseController.",
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          }
        }
      }
    },
    "settings": {
      "$ref": "#/$defs/settings"
    },
    "defaults": {
      "$ref": "#/$defs/defaults"
    },
    "resources": {
      "description": "Shared resources tasks compete for, by name. Capacity 1 makes a resource exclusive (a lock, e.g. the migration tool); a larger capacity is a pool (e.g. 3 test databases). A task claims units with `resources: { name: units }`.",
      "type": "object",
      "propertyNames": {
        "$ref": "#/$defs/name"
      },
      "additionalProperties": {
        "$ref": "#/$defs/resource"
      }
    },
    "streams": {
      "description": "Work streams by name: groups of related tasks owned by one agent or person, each owning a set of paths. No two streams should own the same files (prevents merge conflicts when streams run in parallel).",
      "type": "object",
      "propertyNames": {
        "$ref": "#/$defs/name"
      },
      "additionalProperties": {
        "$ref": "#/$defs/stream"
      }
    },
    "phases": {
      "description": "Ordered barriers. Every task of a phase starts only after every task of all earlier phases has finished. Within a phase tasks run in parallel unless they depend on each other.",
      "type": "array",
      "items": {
        "$ref": "#/$defs/phase"
      }
    },
    "features": {
      "description": "High-level capabilities the plan delivers; tasks point at them with `feature`.",
      "type": "array",
      "items": {
        "$ref": "#/$defs/feature"
      }
    },
    "communication": {
      "description": "What one stream must hand to another and when (for example data -> api after the foundation phase: model schemas). Rendered in Plan.md and given to the agents of both streams.",
      "type": "array",
      "items": {
        "$ref": "#/$defs/communication"
      }
    },
    "tasks": {
      "description": "The units of work. Order matters only as a tie-break: among tasks equally urgent, earlier ones launch first.",
      "type": "array",
      "items": {
        "$ref": "#/$defs/task"
      }
    }
  },
  "$defs": {
    "id": {
      "description": "An identifier: starts with a letter or digit, then letters, digits, '.', '_' or '-'.",
      "type": "string",
      "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$",
      "maxLength": 128
    },
    "name": {
      "description": "A name: starts with a letter or digit, then letters, digits, '.', '_' or '-'.",
      "type": "string",
      "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$",
      "maxLength": 128
    },
    "duration": {
      "description": "A duration: a number of hours (e.g. 1.5) or a string with a unit: `45m`, `2h`, `1h30m`, `90s`, `2d` (working days of 8 hours). Never negative.",
      "oneOf": [
        {
          "type": "number"
        },
        {
          "type": "string"
        }
      ]
    },
    "settings": {
      "description": "Scheduling settings of this plan. Command-line flags override them; they override execplan.config.yaml.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "min_confidence": {
          "description": "Dependencies with a confidence below this are reported, not scheduled (default 0.7).",
          "type": "number",
          "minimum": 0,
          "maximum": 1
        },
        "max_wave_size": {
          "description": "Most tasks in one wave of the wave schedule (default 30).",
          "type": "integer",
          "minimum": 1
        },
        "scope": {
          "description": "What `execplan run --worktrees` does when a task's commit changes paths outside its files, its stream's owns, or inside its boundaries.excludes: warn (default: report it) or fail (the task fails).",
          "enum": [
            "warn",
            "fail"
          ]
        },
        "max_concurrency": {
          "description": "Most tasks running at once in the rolling-frontier schedule and in `execplan run` (default 10).",
          "type": "integer",
          "minimum": 1
        },
        "machine": {
          "description": "The machine the plan is scheduled for, as the capacity of the per-task `cpu` and `memory` hints (defaults: 4 cores, 16GiB). A value of the compiled plan, not of the machine that compiles it, so artifacts are the same everywhere.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "cpu": {
              "description": "Cores.",
              "type": "integer",
              "minimum": 1
            },
            "memory": {
              "description": "Memory, e.g. '32GiB'.",
              "type": "string",
              "pattern": "^[0-9]+(\\.[0-9]+)?\\s*([KMGT]i?B|B)?$"
            }
          }
        },
        "strict": {
          "description": "Apply the hard-fail review rules on every validate and compile (as `validate --strict` does): estimates on at least half the tasks, an acceptance check on every task, a shared resource behind every mutual_exclusion dependency, no secret in evidence, boundaries on every agent task.",
          "type": "boolean"
        },
        "description_conflicts": {
          "description": "Paths that tasks only mention in their descriptions: enforce (default) keeps such tasks apart like declared `files`; report lists the conflict without scheduling around it.",
          "enum": [
            "enforce",
            "report"
          ]
        },
        "execution_model": {
          "description": "The model recommended to the runner: rolling_frontier (default) or wave_based.",
          "enum": [
            "rolling_frontier",
            "wave_based"
          ]
        },
        "size_hours": {
          "description": "Hours that each t-shirt `size` stands for when a task has no `estimate` (defaults XS 0.5, S 1, M 3, L 6, XL 12).",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "XS": {
              "type": "number",
              "exclusiveMinimum": 0
            },
            "S": {
              "type": "number",
              "exclusiveMinimum": 0
            },
            "M": {
              "type": "number",
              "exclusiveMinimum": 0
            },
            "L": {
              "type": "number",
              "exclusiveMinimum": 0
            },
            "XL": {
              "type": "number",
              "exclusiveMinimum": 0
            }
          }
        },
        "optimize_iterations": {
          "description": "Improvement iterations of the frontier scheduler (default depends on plan size). Bounded by count, never by time, so every machine gets the same schedule.",
          "type": "integer",
          "minimum": 0
        },
        "require_approval": {
          "description": "true: `execplan run` refuses to start until `execplan approve --plan --reason TEXT` has approved this plan's current content (any change of meaning voids the approval).",
          "type": "boolean"
        },
        "logs": {
          "description": "Limits on the task logs `execplan run` keeps in .execplan/logs/.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "max_bytes_per_attempt": {
              "description": "Most bytes one attempt's log keeps (default 20 MiB): its beginning and its end, with a marked gap between. Plain console output of a task is capped the same way.",
              "type": "integer",
              "minimum": 1024
            },
            "keep_runs": {
              "description": "Logs of this many most recent runs are kept; older runs' logs are removed when a run starts (default: all are kept; `execplan prune --keep N` does it by hand).",
              "type": "integer",
              "minimum": 1
            }
          }
        },
        "beads": {
          "description": "Telling beads (the `bd` CLI) what the run does.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "sync": {
              "description": "When true, `execplan run` marks each task's beads issue in_progress when it starts, closes it when done and marks it blocked when it fails (like `run --beads-sync`).",
              "type": "boolean"
            },
            "prefix": {
              "description": "Id prefix of the beads issues (default: the plan name), for `export beads` and the sync alike, so the sync finds the issues the export wrote.",
              "type": "string",
              "pattern": "^[A-Za-z][A-Za-z0-9_-]*$"
            }
          }
        }
      }
    },
    "defaults": {
      "description": "Values every task gets unless it sets its own.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "agent": {
          "$ref": "#/$defs/agent"
        },
        "retries": {
          "$ref": "#/$defs/retries"
        },
        "timeout": {
          "$ref": "#/$defs/duration"
        },
        "cwd": {
          "type": "string",
          "description": "Working directory of commands, relative to plan.yaml."
        },
        "env": {
          "$ref": "#/$defs/env"
        },
        "test": {
          "$ref": "#/$defs/testStrategy"
        }
      }
    },
    "resource": {
      "description": "A shared resource.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "capacity"
      ],
      "properties": {
        "capacity": {
          "description": "Units available at once. 1 = exclusive (mutual exclusion).",
          "type": "integer",
          "minimum": 1
        },
        "reason": {
          "type": "string",
          "description": "Why the resource is limited (shown in Plan.md and Decisions.md)."
        },
        "location": {
          "type": "string",
          "description": "Where the resource lives (a path, a URL, a host)."
        }
      }
    },
    "stream": {
      "description": "A work stream: related tasks handled by one agent, owning a set of paths.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "title": {
          "type": "string",
          "description": "Responsibility of the stream, e.g. 'Database models and migrations'."
        },
        "owns": {
          "description": "Glob patterns of the paths this stream owns (e.g. `src/models/**`). A task's `files` should fall inside its stream's `owns`.",
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          }
        },
        "skills": {
          "description": "Skills the stream's agent should load (e.g. backend-api).",
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          }
        },
        "agent": {
          "$ref": "#/$defs/agent"
        },
        "owner": {
          "description": "Who is accountable for this work (a person or team, as you name them); `execplan report --owner` filters by it.",
          "type": "string",
          "minLength": 1
        }
      }
    },
    "phase": {
      "description": "A phase (barrier).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id"
      ],
      "properties": {
        "id": {
          "$ref": "#/$defs/id"
        },
        "title": {
          "type": "string"
        },
        "description": {
          "type": "string"
        }
      }
    },
    "feature": {
      "description": "A feature (capability) the plan delivers.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "title"
      ],
      "properties": {
        "id": {
          "$ref": "#/$defs/id"
        },
        "title": {
          "type": "string",
          "minLength": 1
        },
        "description": {
          "type": "string"
        },
        "priority": {
          "$ref": "#/$defs/priority"
        }
      }
    },
    "communication": {
      "description": "A hand-off between streams.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "from",
        "to",
        "what"
      ],
      "properties": {
        "from": {
          "type": "string",
          "description": "Stream that provides the information."
        },
        "to": {
          "type": "string",
          "description": "Stream that needs it."
        },
        "after": {
          "type": "string",
          "description": "Phase after which it is handed over (a phase id)."
        },
        "what": {
          "type": "string",
          "description": "What is handed over, e.g. 'Model schemas and field types'."
        }
      }
    },
    "priority": {
      "description": "Business priority: critical, high, medium or low.",
      "enum": [
        "critical",
        "high",
        "medium",
        "low"
      ]
    },
    "retries": {
      "description": "How many times a failed attempt is retried (with exponential backoff).",
      "type": "integer",
      "minimum": 0,
      "maximum": 100
    },
    "env": {
      "description": "Environment variables for the task's commands.",
      "type": "object",
      "additionalProperties": {
        "type": "string"
      }
    },
    "testStrategy": {
      "description": "Validation strategy: test-first (a test task blocks the implementation), test-after (checks run after it), test-parallel (tests written beside it), none (docs, config).",
      "enum": [
        "test-first",
        "test-after",
        "test-parallel",
        "none"
      ]
    },
    "dependency": {
      "description": "A dependency in full form. The task depends on `task` (finish-to-start).",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "task"
      ],
      "properties": {
        "task": {
          "$ref": "#/$defs/id",
          "description": "The task that must finish first."
        },
        "type": {
          "description": "Kind of dependency: technical (needs an interface or artifact), sequential (information flow), infrastructure (environment prerequisite), knowledge (learning), mutual_exclusion (shared exclusive resource), resource_limited (limited capacity).",
          "enum": [
            "technical",
            "sequential",
            "infrastructure",
            "knowledge",
            "mutual_exclusion",
            "resource_limited"
          ]
        },
        "confidence": {
          "description": "How sure the planner is that this dependency is real, 0..1 (default 1). Below `min_confidence` it is reported, not scheduled.",
          "type": "number",
          "minimum": 0,
          "maximum": 1
        },
        "hard": {
          "description": "false makes it a soft dependency: reported (and given to agents as context) but not scheduled. Default true.",
          "type": "boolean"
        },
        "reason": {
          "type": "string",
          "description": "Why the dependency exists."
        },
        "evidence": {
          "$ref": "#/$defs/evidence"
        }
      }
    },
    "acceptanceCheck": {
      "description": "An acceptance criterion: a sentence for people and agents, or a machine check run after the task (`{ run: cmd }` must exit 0; `{ file: path }` must exist).",
      "oneOf": [
        {
          "type": "string",
          "minLength": 1
        },
        {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "run"
          ],
          "properties": {
            "run": {
              "type": "string",
              "minLength": 1,
              "description": "Shell command that must exit 0."
            },
            "description": {
              "type": "string",
              "description": "What the check proves."
            },
            "timeout": {
              "$ref": "#/$defs/duration"
            }
          }
        },
        {
          "type": "object",
          "additionalProperties": false,
          "required": [
            "file"
          ],
          "properties": {
            "file": {
              "type": "string",
              "minLength": 1,
              "description": "Path (relative to plan.yaml) that must exist."
            },
            "contains": {
              "type": "string",
              "description": "Text the file must contain."
            },
            "description": {
              "type": "string"
            }
          }
        }
      ]
    },
    "agent": {
      "description": "Run a coding agent for this task. The prompt is rendered from templates/agent-prompt.njk with the task, its acceptance criteria, the full spec and the results of upstream tasks.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "profile": {
          "type": "string",
          "description": "Agent profile from execplan.config.yaml (claude, codex, gemini, or your own). Default: the config's default profile."
        },
        "prompt": {
          "type": "string",
          "description": "Extra instructions added to the rendered prompt."
        },
        "model": {
          "type": "string",
          "description": "Model name passed to the agent CLI, when the profile supports it."
        }
      }
    },
    "boundaries": {
      "description": "Task boundaries: how big the task is expected to be, when to stop, and what not to touch. Given to agents verbatim.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "complexity": {
          "type": "string",
          "description": "Quantified size, e.g. '~120 LoC, 3 endpoints'."
        },
        "stop_when": {
          "type": "string",
          "description": "Where the task ends, to prevent scope creep, e.g. 'Do NOT implement MFA'."
        },
        "excludes": {
          "description": "Paths or areas the task must not modify.",
          "type": "array",
          "items": {
            "type": "string"
          }
        }
      }
    },
    "task": {
      "description": "A unit of work. With `run` it is a command task (Makefile-style), with `agent` (or `defaults.agent`) an agent task, with neither a manual task that waits for `execplan done <id>`.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "id",
        "title"
      ],
      "properties": {
        "id": {
          "$ref": "#/$defs/id",
          "description": "Unique id of the task, e.g. user-model or P1.T001."
        },
        "title": {
          "type": "string",
          "minLength": 1,
          "description": "Starts with a verb: 'Create user model', not 'User model'."
        },
        "description": {
          "type": "string",
          "description": "What must happen (not how). File paths mentioned here are used to predict conflicts."
        },
        "feature": {
          "type": "string",
          "description": "Id of the feature this task belongs to."
        },
        "stream": {
          "type": "string",
          "description": "Name of the stream this task belongs to."
        },
        "phase": {
          "type": "string",
          "description": "Id of the phase this task belongs to."
        },
        "priority": {
          "$ref": "#/$defs/priority"
        },
        "needs": {
          "description": "Ids of tasks that must finish before this one starts (hard, confidence 1).",
          "type": "array",
          "items": {
            "$ref": "#/$defs/id"
          }
        },
        "deps": {
          "description": "Dependencies in full form, with type, confidence and hardness.",
          "type": "array",
          "items": {
            "$ref": "#/$defs/dependency"
          }
        },
        "estimate": {
          "description": "Effort in hours (3), as a duration ('90m'), or as a PERT estimate {optimistic, likely, pessimistic}.",
          "oneOf": [
            {
              "type": "number"
            },
            {
              "type": "string"
            },
            {
              "description": "A three-point (PERT) estimate in hours. The expected duration is (optimistic + 4 * likely + pessimistic) / 6.",
              "type": "object",
              "additionalProperties": false,
              "required": [
                "optimistic",
                "likely",
                "pessimistic"
              ],
              "properties": {
                "optimistic": {
                  "$ref": "#/$defs/duration",
                  "description": "Best case."
                },
                "likely": {
                  "$ref": "#/$defs/duration",
                  "description": "Most likely case."
                },
                "pessimistic": {
                  "$ref": "#/$defs/duration",
                  "description": "Worst realistic case."
                }
              },
              "title": "Pert"
            }
          ]
        },
        "size": {
          "description": "T-shirt size when there is no estimate: XS, S, M, L or XL (hours from settings.size_hours).",
          "enum": [
            "XS",
            "S",
            "M",
            "L",
            "XL"
          ]
        },
        "risk": {
          "description": "Risk level: low, medium or high. High-risk tasks are recommended test-first.",
          "enum": [
            "low",
            "medium",
            "high"
          ]
        },
        "test": {
          "$ref": "#/$defs/testStrategy"
        },
        "files": {
          "description": "Glob patterns of the files the task will modify. Tasks whose files overlap never run at the same time.",
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          }
        },
        "resources": {
          "description": "Units of shared resources the task holds while it runs, e.g. { db-migrations: 1 }.",
          "type": "object",
          "propertyNames": {
            "$ref": "#/$defs/name"
          },
          "additionalProperties": {
            "type": "integer",
            "minimum": 1
          }
        },
        "cpu": {
          "description": "Cores the task keeps busy while it runs (an agent with its builds and tests). Counts against the resource `cpu` (settings.machine.cpu cores, or the plan's own `cpu` resource; default 4), in both schedules and at run time.",
          "type": "number",
          "exclusiveMinimum": 0
        },
        "memory": {
          "description": "Memory the task needs while it runs, e.g. '4GiB'. Counts against the resource `memory` in whole GiB (settings.machine.memory, or the plan's own `memory` resource; default 16GiB), in both schedules and at run time.",
          "type": "string",
          "pattern": "^[0-9]+(\\.[0-9]+)?\\s*([KMGT]i?B|B)?$"
        },
        "skills": {
          "description": "Skills needed beyond the stream's.",
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "steps": {
          "description": "Sub-tasks: what needs to happen, not how.",
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "boundaries": {
          "$ref": "#/$defs/boundaries"
        },
        "evidence": {
          "$ref": "#/$defs/evidence"
        },
        "produces": {
          "description": "Interfaces this task makes available to others, e.g. [AuthAPI:v2]. Written to tasks.json as interfaces_produced.",
          "type": "array",
          "items": {
            "$ref": "#/$defs/interface"
          }
        },
        "consumes": {
          "description": "Interfaces this task uses, e.g. [UserRepository:v1]. It gets an inferred technical dependency (confidence 0.9) on each task that produces one; an interface no task produces is a warning.",
          "type": "array",
          "items": {
            "$ref": "#/$defs/interface"
          }
        },
        "complexity": {
          "description": "Quantified size: '~120 LoC' or {value, breakdown}. Written to tasks.json as boundaries.expected_complexity (boundaries.complexity is the same, older spelling).",
          "oneOf": [
            {
              "type": "string",
              "minLength": 1
            },
            {
              "type": "object",
              "additionalProperties": false,
              "required": [
                "value"
              ],
              "properties": {
                "value": {
                  "type": "string",
                  "minLength": 1,
                  "description": "The size in one phrase, e.g. '~120 LoC'."
                },
                "breakdown": {
                  "type": "string",
                  "description": "Where the size comes from, e.g. '3 endpoints (40 LoC each), 2 middleware functions'."
                }
              },
              "title": "ComplexitySpec"
            }
          ]
        },
        "category": {
          "description": "What kind of work it is: foundation (what others build on), implementation, integration (wiring parts together) or optimization.",
          "enum": [
            "foundation",
            "implementation",
            "integration",
            "optimization"
          ]
        },
        "guidance": {
          "description": "How the task reports while it runs: log lines at start, progress and completion, and checkpoints. Written to tasks.json as execution_guidance and given to agents in their prompt.",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "logging": {
              "type": "object",
              "additionalProperties": false,
              "description": "What to log and when.",
              "properties": {
                "on_start": {
                  "type": "string",
                  "description": "What to log when the task starts."
                },
                "on_progress": {
                  "type": "string",
                  "description": "What to log as it progresses."
                },
                "on_completion": {
                  "type": "string",
                  "description": "What to log when it is done (a summary)."
                },
                "log_format": {
                  "type": "string",
                  "description": "The shape of each log line, e.g. 'JSON with task_id, timestamp, event'."
                }
              }
            },
            "checkpoints": {
              "description": "Points at which to stop and verify, in order, e.g. 'After endpoint 1: run the auth tests'.",
              "type": "array",
              "items": {
                "type": "string",
                "minLength": 1
              }
            }
          }
        },
        "avoid_concurrent_with": {
          "description": "Ids of tasks this one must never run at the same time as (in either order), for reasons files and resources do not capture. Enforced like a file conflict in both schedules and by `execplan run`.",
          "type": "array",
          "items": {
            "$ref": "#/$defs/id"
          }
        },
        "acceptance": {
          "description": "Acceptance criteria. Strings are for people and agents; `{run}` and `{file}` checks run after the task, which is done only when they pass.",
          "type": "array",
          "items": {
            "$ref": "#/$defs/acceptanceCheck"
          }
        },
        "run": {
          "description": "Shell command (or list of commands run in order) that performs the task.",
          "oneOf": [
            {
              "type": "string",
              "minLength": 1
            },
            {
              "type": "array",
              "items": {
                "type": "string",
                "minLength": 1
              },
              "minItems": 1
            }
          ]
        },
        "agent": {
          "$ref": "#/$defs/agent"
        },
        "cwd": {
          "type": "string",
          "description": "Working directory, relative to plan.yaml (default: plan.yaml's directory)."
        },
        "env": {
          "$ref": "#/$defs/env"
        },
        "inputs": {
          "description": "Glob patterns of the files the task reads. With inputs set, the task is skipped as fresh when inputs, command and upstream results are unchanged since its last success.",
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          }
        },
        "outputs": {
          "description": "Glob patterns of the files the task produces; they must exist for the task to count as fresh.",
          "type": "array",
          "items": {
            "type": "string",
            "minLength": 1
          }
        },
        "retries": {
          "$ref": "#/$defs/retries"
        },
        "timeout": {
          "$ref": "#/$defs/duration",
          "description": "Kill the task's process tree after this long ('30m', '2h')."
        },
        "gate": {
          "description": "approve: the task waits for `execplan approve <id>` before it starts (a review gate).",
          "enum": [
            "approve"
          ]
        },
        "owner": {
          "description": "Who is accountable for this work (a person or team, as you name them); `execplan report --owner` filters by it.",
          "type": "string",
          "minLength": 1
        }
      }
    },
    "evidence": {
      "description": "What in the spec this rests on: a string (a quote or a section reference, as written), or a list of quotes with where they are. With `spec:` given, `validate` warns when a quoted line is not in the spec.",
      "oneOf": [
        {
          "type": "string",
          "minLength": 1,
          "description": "A quote or a section reference, free text (not checked against the spec)."
        },
        {
          "type": "array",
          "minItems": 1,
          "items": {
            "$ref": "#/$defs/evidenceQuote"
          }
        }
      ]
    },
    "evidenceQuote": {
      "description": "One quote from the spec.",
      "type": "object",
      "additionalProperties": false,
      "required": [
        "quote"
      ],
      "properties": {
        "quote": {
          "type": "string",
          "minLength": 1,
          "description": "Text copied from the spec. Checked line by line (whitespace-insensitive) against the spec files when `spec:` is given."
        },
        "section": {
          "type": "string",
          "description": "The heading it sits under, e.g. 'H2: Authentication'."
        },
        "line": {
          "type": "integer",
          "minimum": 1,
          "description": "Line of the spec where the quote starts (1-based)."
        }
      }
    },
    "interface": {
      "type": "string",
      "minLength": 1,
      "pattern": "^\\S+$",
      "description": "An interface name with its version, e.g. AuthAPI:v2. A consumer depends on every task that produces it."
    }
  }
} as const;
