/**
 * execplan.config.yaml, found from the plan's directory up to the project root (the git root, else the plan's
 * folder) and never above it: a config planted in a parent folder (a shared /tmp, a home directory) could
 * otherwise replace the agent command. cosmiconfig parses the file found.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { projectRoot } from '../project/files.js';
import type { Config } from '../types/config.js';
import { compareDiagnostics, type Diagnostic } from '../compiler/diagnostic.js';
import type { ResolvedSettings } from '../compiler/model.js';
import { offsetOf, type SourceFile } from '../compiler/source.js';
import { didYouMean } from '../compiler/suggest.js';

export interface LoadedConfig {
  config: Config;
  /** Where it came from, or null when built-in defaults apply. */
  filepath: string | null;
  diagnostics: Diagnostic[];
}

export const configSearchPlaces = ['execplan.config.yaml', 'execplan.config.yml', '.execplanrc.yaml', '.execplanrc.yml', '.execplanrc.json'];

export async function loadConfig(startDir: string, explicitPath?: string): Promise<LoadedConfig> {
  const found = explicitPath ?? findConfig(startDir);
  // Most runs have no config: they skip loading cosmiconfig and its dependencies (a part of start-up).
  if (!found) return { config: {}, filepath: null, diagnostics: [] };
  const { cosmiconfig, defaultLoaders } = await import('cosmiconfig');
  // The file being parsed, so an error names the config that was found (it may be .execplanrc.json, or in a parent folder).
  let parsing: string | undefined;
  let jsonText: string | undefined;
  // yaml is loaded only when there is a config to read: most runs have none, and loading it costs start-up time.
  const yamlLoader = async (p: string, content: string) => {
    parsing = p;
    return (await import('yaml')).parse(content) as unknown;
  };
  const explorer = cosmiconfig('execplan', {
    searchPlaces: configSearchPlaces,
    searchStrategy: 'none',
    // The yaml package, not cosmiconfig's default parser, so dates stay strings and errors carry positions.
    loaders: {
      '.yaml': yamlLoader,
      '.yml': yamlLoader,
      noExt: yamlLoader,
      '.json': (p: string, content: string) => {
        parsing = p;
        jsonText = content;
        return defaultLoaders['.json'](p, content) as unknown;
      },
    },
  });
  let result;
  try {
    result = await explorer.load(found);
  } catch (error) {
    const file = parsing ?? explicitPath ?? 'execplan.config.yaml';
    // cosmiconfig's JSON errors start with `JSON Error in FILE:` and carry a code frame; keep the reason only.
    const lines = error instanceof Error ? error.message.replace(/^JSON Error in [^\n]*?:\s*/, '').split('\n') : [String(error)];
    const message = lines.find((l) => l.trim() !== '' && !/^\s*(>|\d*\s*\|)/.test(l))?.trim() ?? 'unknown error';
    const offset = /at position (\d+)/.exec(message);
    const position = /at line (\d+), column (\d+)/.exec(message) ?? (offset && jsonText !== undefined ? jsonPosition(jsonText, Number(offset[1])) : null);
    return {
      config: {},
      filepath: file,
      diagnostics: [
        {
          file,
          line: position ? Number(position[1]) : 1,
          col: position ? Number(position[2]) : 1,
          severity: 'error',
          code: 'config-invalid',
          message: `cannot read the config: ${message.replace(/ at line \d+, column \d+:?.*$/, '')}`,
          path: [],
        },
      ],
    };
  }
  if (!result || result.isEmpty || result.config == null) return { config: {}, filepath: result?.filepath ?? null, diagnostics: [] };
  return { config: result.config as Config, filepath: result.filepath, diagnostics: await validateConfig(result.filepath, result.config) };
}

/** The nearest config file from `startDir` up to the project root, or null. */
export function findConfig(startDir: string): string | null {
  const root = projectRoot(startDir);
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    for (const name of configSearchPlaces) if (existsSync(path.join(dir, name))) return path.join(dir, name);
    if (dir === root || path.dirname(dir) === dir || path.relative(root, dir).startsWith('..')) return null;
  }
}

/** [_, line, col] of a character offset, shaped like a RegExp match. */
function jsonPosition(text: string, offset: number): [string, string, string] {
  const before = text.slice(0, offset).split('\n');
  return ['', String(before.length), String(before.at(-1)!.length + 1)];
}

async function validateConfig(filepath: string, value: unknown): Promise<Diagnostic[]> {
  // The config schema compiled ahead of time (`npm run gen:types`), like the plan's; loaded only when a
  // config file was found (most commands in most projects have none, and it is a large module).
  const validate = (await import('../types/config-validator.js')).validate as unknown as ValidateFunction;
  if (validate(value)) return [];
  let source: Pick<SourceFile, 'file' | 'lineCounter' | 'doc'> | null = null;
  try {
    // Re-read for positions; cosmiconfig already read it successfully.
    const text = readFileSync(filepath, 'utf8');
    const { LineCounter, parseDocument } = await import('yaml');
    const lineCounter = new LineCounter();
    source = { file: filepath, lineCounter, doc: parseDocument(text, { lineCounter }) };
  } catch {
    source = null;
  }
  return (validate.errors ?? [])
    .map((e) => {
      const path = e.instancePath.split('/').slice(1);
      const unknown = e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : undefined;
      // Point at the unknown key itself, not at the mapping that holds it.
      const at = unknown === undefined ? path : [...path, unknown];
      const { line, col } = source ? source.lineCounter.linePos(offsetOf(source as SourceFile, at, unknown !== undefined)) : { line: 1, col: 1 };
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const message =
        unknown !== undefined
          ? `unknown key '${unknown}' in ${e.instancePath || 'the config'}${didYouMean(unknown, known)}`
          : `${e.instancePath || 'config'} ${e.message ?? 'is invalid'}`;
      return { file: filepath, line, col, severity: 'error' as const, code: 'config-invalid', message, path: at };
    })
    .sort(compareDiagnostics);
}

/** The scheduling settings a config contributes (the layer below plan settings). */
export function configSettings(config: Config): Partial<ResolvedSettings> {
  const layer: Partial<ResolvedSettings> = {};
  if (config.concurrency !== undefined) layer.maxConcurrency = config.concurrency;
  if (config.min_confidence !== undefined) layer.minConfidence = config.min_confidence;
  if (config.max_wave_size !== undefined) layer.maxWaveSize = config.max_wave_size;
  if (config.size_hours !== undefined) layer.sizeHours = { ...config.size_hours } as ResolvedSettings['sizeHours'];
  return layer;
}
