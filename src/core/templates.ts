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
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Nunjucks from 'nunjucks';
import { precompiledTemplates } from './precompiled-templates.js';

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
    const code = precompiledTemplates[templateKey(style, text)];
    found = code === undefined ? new (nunjucks().Template)(text, env) : precompiledTemplate(code, env);
    if (compiled.size >= compiledLimit) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, found);
  }
  return found;
}

/** A template from its compiled code, loaded the way nunjucks loads the code it compiles (Template._compile). */
function precompiledTemplate(code: string, env: Nunjucks.Environment): Nunjucks.Template {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const load = new Function(code) as () => object;
  return new (nunjucks().Template)({ type: 'code', obj: load() } as unknown as string, env);
}

/**
 * What identifies a template's compiled code: nunjucks' version, the style (its lexer options) and the
 * text. Compiling Plan.md's template took ~25-45 ms of every compile, so the packaged document templates
 * ship compiled (src/core/precompiled-templates.ts, by this key): a template edited without regenerating
 * them, or another nunjucks, simply misses and is compiled as before.
 */
export function templateKey(style: TemplateStyle, text: string): string {
  const { version } = createRequire(import.meta.url)('nunjucks/package.json') as { version: string };
  return createHash('sha256').update(`${version}\0${style}\0${text}`).digest('hex');
}

/**
 * nunjucks' compiled code of `text`: what a Template compiles on its first render (the renderer's filters
 * are all synchronous, so no async filter changes it). scripts/gen-templates.mjs writes these.
 */
export function compiledTemplateSource(style: TemplateStyle, text: string): string {
  const env = environment(style) as unknown as { asyncFilters: string[]; extensionsList: unknown[]; opts: object };
  const compiler = (nunjucks() as unknown as { compiler: { compile(...args: unknown[]): string } }).compiler;
  return compiler.compile(text, env.asyncFilters, env.extensionsList, undefined, env.opts);
}

/** Renders `text` with `context`; `filters` are what the template may use besides nunjucks' own. Throws on template errors. */
export function renderTemplate(style: TemplateStyle, text: string, context: object, filters: Readonly<Record<string, TemplateFilter>> = {}): string {
  const env = environment(style);
  for (const [name, filter] of Object.entries(filters)) env.addFilter(name, filter as (...args: unknown[]) => unknown);
  return template(style, text, env).render(context);
}
