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
