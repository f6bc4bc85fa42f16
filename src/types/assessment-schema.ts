/* Generated from the JSON Schema by `npm run gen:types`. Do not edit by hand. */
export const assessmentSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://execplan.dev/schema/assessment.schema.json",
  "title": "Assessment",
  "description": "The scope of a spec before any plan exists, as `execplan assess` asks a coding agent for it and prints it with --json: can one agent do it, does it want parallel agents, or must the spec be split first.",
  "type": "object",
  "additionalProperties": false,
  "required": [
    "recommendation",
    "confidence",
    "rationale",
    "drivers"
  ],
  "properties": {
    "recommendation": {
      "description": "single-agent: one agent does it all in one session; multi-agent: parallel streams pay off; decomposition-required: split the spec into several plans first.",
      "enum": [
        "single-agent",
        "multi-agent",
        "decomposition-required"
      ]
    },
    "confidence": {
      "description": "How sure the assessment is.",
      "enum": [
        "high",
        "medium",
        "low"
      ]
    },
    "rationale": {
      "type": "string",
      "minLength": 1,
      "description": "One or two sentences: why this recommendation."
    },
    "drivers": {
      "type": "object",
      "additionalProperties": false,
      "required": [
        "components",
        "integration_points",
        "risks",
        "estimated_hours"
      ],
      "properties": {
        "components": {
          "type": "array",
          "items": {
            "type": "string"
          },
          "description": "Parts of the system the spec touches."
        },
        "integration_points": {
          "type": "array",
          "items": {
            "type": "string"
          },
          "description": "Where those parts meet (APIs, schemas, shared files)."
        },
        "risks": {
          "type": "array",
          "items": {
            "type": "string"
          },
          "description": "What could make the work larger or fail."
        },
        "estimated_hours": {
          "type": "number",
          "minimum": 0,
          "description": "Total effort for one experienced engineer, in hours."
        }
      }
    }
  }
} as const;
