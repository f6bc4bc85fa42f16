// Module hooks for test/helpers/ts-loader.mjs (they run in Node's loader thread).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const esbuildVersion = require('esbuild/package.json').version;
// What tsc does with tsconfig.json's settings, for a file on its own (isolatedModules): ES2022 class
// fields, imports kept exactly as written (verbatimModuleSyntax), ES modules (package.json "type").
const options = {
  loader: 'ts',
  format: 'esm',
  target: 'node20',
  sourcemap: 'inline',
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true, verbatimModuleSyntax: true } },
};
const cacheDir = path.join(root, 'node_modules', '.cache', 'execplan-test-loader');
const optionsKey = `${esbuildVersion}\0${JSON.stringify(options)}`;
let esbuild;

export async function resolve(specifier, context, next) {
  // TypeScript's NodeNext convention: a .ts file imports its sibling module by the name it compiles to.
  if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts') && (specifier.startsWith('./') || specifier.startsWith('../'))) {
    const url = new URL(specifier, context.parentURL);
    if (!existsSync(url)) {
      const ts = new URL(`${url.href.slice(0, -3)}.ts`);
      if (existsSync(ts)) return { url: ts.href, format: 'module', shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:')) return next(url, context);
  if (url.endsWith('.ts') || url.endsWith('.mts')) {
    const file = fileURLToPath(url);
    return { format: 'module', source: await transform(file, readFileSync(file, 'utf8')), shortCircuit: true };
  }
  // An ES module file is its bytes, as Node's own loader would return them. Returning them here skips
  // the hooks registered before this one: tap's @tapjs/processinfo reads every module a second time and
  // measures its lines for coverage, which this suite does not collect (~2 s of CPU in a file that
  // loads jsdom and mermaid).
  if (context.format === 'module') return { format: 'module', source: readFileSync(new URL(url)), shortCircuit: true };
  return next(url, context);
}

async function transform(file, source) {
  const key = createHash('sha256').update(optionsKey).update('\0').update(file).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // not transformed yet
  }
  esbuild ??= await import('esbuild');
  const { code } = await esbuild.transform(source, { ...options, sourcefile: file });
  // Test files run in parallel: write aside, then rename, so no process reads a half-written entry.
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(partial, code);
  renameSync(partial, cached);
  return code;
}
