/* Generated from the JSON Schema by `npm run gen:types`. Do not edit by hand. */
export const configSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://execplan.dev/schema/config.schema.json",
  "title": "Config",
  "description": "execplan.config.yaml: project-wide defaults. Precedence: command-line flags > plan.yaml `settings` > this file > built-in defaults.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "concurrency": {
      "description": "Default for `execplan run --concurrency` and the frontier schedule's concurrency limit (built-in default 10).",
      "type": "integer",
      "minimum": 1
    },
    "out_dir": {
      "description": "Where `execplan compile` writes artifacts, relative to the plan (built-in default tasks_output).",
      "type": "string",
      "minLength": 1
    },
    "min_confidence": {
      "description": "Dependencies below this confidence are reported, not scheduled (built-in default 0.7).",
      "type": "number",
      "minimum": 0,
      "maximum": 1
    },
    "max_wave_size": {
      "description": "Most tasks per wave (built-in default 30).",
      "type": "integer",
      "minimum": 1
    },
    "size_hours": {
      "description": "Hours per t-shirt size (built-in defaults XS 0.5, S 1, M 3, L 6, XL 12).",
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
    "backpressure": {
      "description": "Machine capacity (default off): before launching a task, `execplan run` checks the load average per core and the free memory (the smaller of the system's and the cgroup's) and waits while either is past its threshold, saying why in status.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "max_load": {
          "description": "Most 1-minute load average per core at which tasks still start, e.g. 0.9.",
          "type": "number",
          "exclusiveMinimum": 0
        },
        "min_free_memory": {
          "description": "Least free memory at which tasks still start, e.g. '2GiB', '512MiB'.",
          "type": "string",
          "pattern": "^[0-9]+(\\.[0-9]+)?\\s*([KMGT]i?B|B)?$"
        }
      }
    },
    "budget": {
      "$ref": "#/$defs/budget",
      "description": "Run budget of all agents together (default none): when reached, no new agent starts and the run stops cleanly (exit 7) naming the budget."
    },
    "default_profile": {
      "description": "Agent profile used by agent tasks that name none, and by `execplan draft` (built-in default claude).",
      "type": "string"
    },
    "profiles": {
      "description": "Agent profiles by name: how to invoke a coding agent CLI. Merged over the built-in profiles claude, codex and gemini.",
      "type": "object",
      "additionalProperties": {
        "$ref": "#/$defs/profile"
      }
    },
    "prompt_template": {
      "description": "Path of a nunjucks template that replaces templates/agent-prompt.njk for agent prompts (relative to the config file).",
      "type": "string",
      "minLength": 1
    },
    "analysis": {
      "type": "object",
      "description": "Thresholds of the planning analysis shown in Plan.md (scope assessment, over-decomposition guards, split suggestions). docs/artifacts.md explains each rule.",
      "additionalProperties": false,
      "properties": {
        "single_agent_max_hours": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "At most this much total work (hours) is one agent's job (default 16)."
        },
        "min_parallelism": {
          "type": "number",
          "minimum": 1,
          "description": "Total work / critical path below this recommends a single agent (default 1.5)."
        },
        "decomposition_hours": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "Above this much total work (hours) the spec should be split into several plans (default 320)."
        },
        "decomposition_tasks": {
          "type": "integer",
          "minimum": 1,
          "description": "Above this many tasks the spec should be split into several plans (default 150)."
        },
        "tiny_task_hours": {
          "type": "number",
          "minimum": 0,
          "description": "Agent and manual tasks shorter than this (hours) get a merge suggestion (default 0.5)."
        },
        "min_average_task_hours": {
          "type": "number",
          "minimum": 0,
          "description": "An average task shorter than this (hours) means too many tasks for the effort (default 1)."
        },
        "large_plan_tasks": {
          "type": "integer",
          "minimum": 1,
          "description": "From this many tasks on the plan is flagged for explicit review (default 100)."
        },
        "split_above_hours": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "Tasks longer than this (hours) get a split suggestion (default 16)."
        },
        "split_target_hours": {
          "type": "number",
          "exclusiveMinimum": 0,
          "description": "Size each part of a suggested split aims for (hours, default 8)."
        },
        "condense_graph_above": {
          "type": "integer",
          "minimum": 1,
          "description": "Above this many tasks Plan.md shows a condensed phase/stream graph and no gantt (default 60)."
        }
      }
    }
  },
  "$defs": {
    "budget": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "tokens": {
          "description": "Input plus output tokens the agents reported.",
          "type": "integer",
          "minimum": 1
        },
        "cost_usd": {
          "description": "US dollars the agents reported.",
          "type": "number",
          "exclusiveMinimum": 0
        }
      }
    },
    "profile": {
      "description": "How to run one coding agent CLI. A profile named like a built-in (claude, codex, gemini) is merged over it field by field (vars merged key by key).",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "command": {
          "description": "argv template: the binary then its arguments (no shell). Placeholders: {{prompt}} (the prompt text, with prompt_via argument), {{prompt_file}} (with prompt_via file), {{model}}, {{cwd}}, {{json_schema}} (execplan draft: the plan schema as JSON), and any name in `vars`. An argument that is exactly one placeholder with no value is dropped together with the flag right before it (`--model {{model}}` disappears when no model is set).",
          "type": "array",
          "items": {
            "type": "string"
          },
          "minItems": 1
        },
        "args": {
          "description": "Extra arguments appended to the command (same placeholders).",
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "draft_args": {
          "description": "Arguments appended for `execplan draft` (e.g. Claude's --json-schema {{json_schema}}).",
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "resume_args": {
          "description": "Arguments appended when a task continues its stream's agent session; {{session_id}} is the session to continue (Claude Code: --resume {{session_id}} --fork-session). Empty: the CLI cannot continue a session and every task starts a new one.",
          "type": "array",
          "items": {
            "type": "string"
          }
        },
        "stream_session": {
          "description": "Whether consecutive tasks of a stream continue that stream's agent session (the last finished task's, in the same working directory) when the profile has resume_args. Default true.",
          "type": "boolean"
        },
        "vars": {
          "description": "Values of profile-specific placeholders, e.g. permission_mode and allowed_tools for claude, sandbox for codex, approval_mode for gemini. An empty string means unset.",
          "type": "object",
          "additionalProperties": {
            "type": "string"
          }
        },
        "prompt_via": {
          "description": "How the prompt reaches the agent: stdin (default; no size limit), argument (one argv element; the OS limits it to 128 KiB) or file (written beside the attempt log, path in {{prompt_file}}).",
          "enum": [
            "argument",
            "stdin",
            "file"
          ]
        },
        "output": {
          "description": "How to read the agent's output: stream-json (JSON events, one per line: Claude Code stream-json, Codex exec --json and Gemini stream-json are all recognised) or text.",
          "enum": [
            "stream-json",
            "text"
          ]
        },
        "env": {
          "description": "Extra environment variables.",
          "type": "object",
          "additionalProperties": {
            "type": "string"
          }
        },
        "budget": {
          "$ref": "#/$defs/budget",
          "description": "Budget of this profile's agents in one run: when reached, no new agent of this profile starts and the run stops cleanly (exit 7)."
        },
        "limits": {
          "description": "Which of the agent's messages mean it hit a limit rather than failed: `usage` (a subscription window: no agent of this profile starts until its reset time) and `rate` (an API rate limit or overload: backoff and fewer agents at once). Regular expressions, matched case-insensitively against the agent's error texts and stderr. Each list given replaces the built-in one (claude, codex and gemini have built-ins).",
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "usage": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "rate": {
              "type": "array",
              "items": {
                "type": "string"
              }
            }
          }
        },
        "timeout": {
          "description": "Timeout of an agent task that sets none itself ('30m', '2h').",
          "type": "string"
        },
        "secrets": {
          "description": "What to do when the prompt or spec contains something that looks like a secret: redact it before sending (default), warn (send unchanged, print a warning; for local models) or block the dispatch (the task fails).",
          "enum": [
            "redact",
            "warn",
            "block"
          ]
        },
        "install_hint": {
          "description": "What to tell the user when the binary is missing.",
          "type": "string"
        },
        "model": {
          "description": "Default model name for {{model}} (a task's agent.model wins).",
          "type": "string"
        }
      }
    }
  }
} as const;
