/**
 * The instructions an LLM needs to write a valid plan.yaml: rules, one example, the JSON Schema and the
 * spec. Used by `execplan prompt` and by `execplan draft`. Same inputs -> the same text (no dates, no paths
 * of this machine), so prompts can be cached and diffed.
 */
import { readFileSync } from 'node:fs';
import nunjucks from 'nunjucks';
import { builtinSettings } from '../compiler/defaults.js';
import { planSchema } from '../types/plan-schema.js';
import { templatePath } from '../paths.js';

export interface AuthoringPromptInput {
  /** Full text of the specification, or undefined to render the rules alone. */
  specText?: string;
  /** The spec's path as the plan should reference it (relative to where plan.yaml will live). */
  specPath?: string;
  /** Threshold quoted in the rules (default: the built-in min_confidence). */
  minConfidence?: number;
}

// The packaged template and example are read once; they are part of the program, not input.
let assets: { template: string; example: string } | null = null;

function loadAssets(): { template: string; example: string } {
  assets ??= {
    template: readFileSync(templatePath('plan-authoring.njk'), 'utf8'),
    example: readFileSync(templatePath('plan-example.yaml'), 'utf8'),
  };
  return assets;
}

export function renderAuthoringPrompt(input: AuthoringPromptInput = {}): string {
  const { template, example } = loadAssets();
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
  const text = env.renderString(template, {
    specText: input.specText !== undefined && input.specText.trim() !== '' ? input.specText : null,
    specPath: input.specPath ?? null,
    minConfidence: input.minConfidence ?? builtinSettings.minConfidence,
    example,
    schema: JSON.stringify(planSchema, null, 2),
  });
  return text.trimEnd() + '\n';
}
