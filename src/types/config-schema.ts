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
    "default_profile": {
      "description": "Agent profile used by agent tasks that name none (built-in default claude).",
      "type": "string"
    },
    "profiles": {
      "description": "Agent profiles by name: how to invoke a coding agent CLI. Merged over the built-in profiles claude, codex and gemini.",
      "type": "object",
      "additionalProperties": {
        "$ref": "#/$defs/profile"
      }
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
    "profile": {
      "description": "How to run one coding agent CLI.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "command": {
          "description": "argv template: the binary then its arguments. Placeholders: {{prompt}} (the prompt text, when prompt_via is argument), {{prompt_file}} (when file), {{model}}, {{cwd}}.",
          "type": "array",
          "items": {
            "type": "string"
          },
          "minItems": 1
        },
        "prompt_via": {
          "description": "How the prompt reaches the agent: argument, stdin or file.",
          "enum": [
            "argument",
            "stdin",
            "file"
          ]
        },
        "output": {
          "description": "How to read the agent's output: stream-json (Claude Code), jsonl (Codex --json), json, or text.",
          "enum": [
            "stream-json",
            "jsonl",
            "json",
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
        "timeout": {
          "description": "Default timeout of an agent task ('30m', '2h').",
          "type": "string"
        },
        "secrets": {
          "description": "What to do when the prompt or spec contains something that looks like a secret: redact it (default for hosted providers), warn, or block the dispatch.",
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
          "description": "Default model name for {{model}}.",
          "type": "string"
        }
      }
    }
  }
} as const;
