/**
 * The instructions an LLM needs to write a valid plan.yaml: rules, one example, the JSON Schema and the
 * spec. Used by `execplan prompt` and by `execplan draft`. Same inputs -> the same text (no dates, no paths
 * of this machine), so prompts can be cached and diffed.
 */
import { builtinSettings } from '../compiler/defaults.js';
import { readPackagedTemplate } from '../core/template-files.js';
import { renderTemplate } from '../core/templates.js';
import { planSchema } from '../types/plan-schema.js';

export interface AuthoringPromptInput {
  /** Full text of the specification, or undefined to render the rules alone. */
  specText?: string;
  /** The spec's path as the plan should reference it (relative to where plan.yaml will live). */
  specPath?: string;
  /** Threshold quoted in the rules (default: the built-in min_confidence). */
  minConfidence?: number;
  /** The repository's folders and exported symbols (src/authoring/inventory.ts), so the plan extends what exists. */
  inventory?: string;
}

export function renderAuthoringPrompt(input: AuthoringPromptInput = {}): string {
  // The packaged template and example are part of the program, not input (the loader reads them once).
  const template = readPackagedTemplate('plan-authoring.njk');
  const example = readPackagedTemplate('plan-example.yaml');
  const text = renderTemplate('document', template, {
    specText: input.specText !== undefined && input.specText.trim() !== '' ? input.specText : null,
    specPath: input.specPath ?? null,
    minConfidence: input.minConfidence ?? builtinSettings.minConfidence,
    inventory: input.inventory ?? null,
    example,
    schema: JSON.stringify(planSchema, null, 2),
  });
  return text.trimEnd() + '\n';
}
