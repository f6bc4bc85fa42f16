/**
 * The one place that renders nunjucks templates (Plan.md, Decisions.md, the plan-authoring prompt and the
 * agent prompt). Pure: it takes the template text, never reads files (src/core/template-files.ts does),
 * so the compiler can render its artifacts with it.
 *
 * Two styles, because the templates were written against two sets of rules:
 * - `document`: the templates this package ships for its own output. Block tags do not leave blank lines
 *   (trimBlocks, lstripBlocks) and a misspelled variable is an error instead of an empty string.
 * - `prompt`: the agent prompt, which users replace with their own template (`prompt_template`). It keeps
 *   nunjucks' defaults, so a user's template renders the same as it always did: whitespace as written,
 *   a missing value renders empty.
 */
import { createRequire } from 'node:module';
import type * as Nunjucks from 'nunjucks';

// Loaded on first render: `execplan run` imports the agent prompt but renders it only for agent tasks, and
// loading nunjucks was a measurable part of a run's start-up. (CommonJS: the same instance an import gets.)
let loaded: typeof Nunjucks | undefined;
const nunjucks = (): typeof Nunjucks => (loaded ??= createRequire(import.meta.url)('nunjucks') as typeof Nunjucks);

export type TemplateStyle = 'document' | 'prompt';

export type TemplateFilter = (value: never, ...args: never[]) => unknown;

const options: Record<TemplateStyle, Nunjucks.ConfigureOptions> = {
  document: { autoescape: false, trimBlocks: true, lstripBlocks: true, throwOnUndefined: true },
  prompt: { autoescape: false, trimBlocks: false, throwOnUndefined: false },
};

const environments = new Map<TemplateStyle, Nunjucks.Environment>();

function environment(style: TemplateStyle): Nunjucks.Environment {
  let env = environments.get(style);
  if (!env) {
    env = new (nunjucks().Environment)(null, options[style]);
    environments.set(style, env);
  }
  return env;
}

// Compiled templates by style and text: compiling is most of a render's cost (the parse and the code
// generation of nunjucks), and one process renders the same text many times (the agent prompt for every
// agent task of a run, Plan.md and Decisions.md for every compile of a long-lived process or a test file).
// A compiled template looks its filters up in the environment when it renders, so reusing one is the same
// as compiling it again. Bounded: a process that renders many distinct texts keeps only the latest.
const compiled = new Map<string, Nunjucks.Template>();
const compiledLimit = 64;

function template(style: TemplateStyle, text: string, env: Nunjucks.Environment): Nunjucks.Template {
  const key = `${style}\0${text}`;
  let found = compiled.get(key);
  if (!found) {
    found = new (nunjucks().Template)(text, env);
    if (compiled.size >= compiledLimit) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, found);
  }
  return found;
}

/** Renders `text` with `context`; `filters` are what the template may use besides nunjucks' own. Throws on template errors. */
export function renderTemplate(style: TemplateStyle, text: string, context: object, filters: Readonly<Record<string, TemplateFilter>> = {}): string {
  const env = environment(style);
  for (const [name, filter] of Object.entries(filters)) env.addFilter(name, filter as (...args: unknown[]) => unknown);
  return template(style, text, env).render(context);
}
