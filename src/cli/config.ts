/**
 * execplan.config.yaml, found from the plan's directory up to the project root (the git root, else the plan's
 * folder) and never above it: a config planted in a parent folder (a shared /tmp, a home directory) could
 * otherwise replace the agent command. The file found is read here with the plan's YAML readers (see
 * readConfigFile for why no config-loading library is involved).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { projectRoot } from '../project/files.js';
import type { Config } from '../types/config.js';
import { compareDiagnostics, type Diagnostic } from '../compiler/diagnostic.js';
import type { ResolvedSettings } from '../compiler/model.js';
import { fastParse } from '../compiler/fast-yaml.js';
import { limits, offsetOf, yaml, yamlMessage, type SourceFile } from '../compiler/source.js';
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
  if (!found) return { config: {}, filepath: null, diagnostics: [] };
  const read = readConfigFile(found);
  if (!read.ok) return { config: {}, filepath: found, diagnostics: [readFailure(found, read.reason, read.position)] };
  // An empty file (or one holding only `null` or comments) means the built-in defaults, as if there were none.
  if (read.value == null) return { config: {}, filepath: found, diagnostics: [] };
  return { config: read.value, filepath: found, diagnostics: await validateConfig(found, read.text, read.value) };
}

type ReadConfig = { ok: true; text: string; value: unknown } | { ok: false; reason: string; position: { line: number; col: number } | null };

/**
 * The config file's value. Read here, not by a config-loading library: discovery is ours (bounded by the
 * project root), so what is left is reading one file, and the library we used also read settings of its
 * own from the working folder (a broken package.json there broke every command) and followed `$import`
 * keys to other files (outside the project too), which this file exists to prevent.
 */
function readConfigFile(file: string): ReadConfig {
  let text: string;
  try {
    // A regular file of at most the plan's size limit: a config is a few lines, and a link to a device or a
    // pipe (/dev/zero, a FIFO) would block the command or exhaust the heap instead of getting a diagnostic.
    const info = statSync(file);
    if (!info.isFile()) return { ok: false, reason: 'not a regular file (a config is a YAML or JSON file)', position: null };
    const size = info.size;
    if (size > limits.maxBytes) return { ok: false, reason: `the file is ${size} bytes, more than the ${limits.maxBytes / 1048576} MiB a config may have`, position: null };
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error), position: null };
  }
  if (text.trim() === '') return { ok: true, text, value: null };
  if (path.extname(file) === '.json') {
    // A byte-order mark (some Windows editors write one) is not JSON, but it is not the user's mistake either.
    const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    try {
      return { ok: true, text, value: JSON.parse(json) as unknown };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const offset = /at position (\d+)/.exec(message);
      // Node quotes the start of the text, line breaks and all: keep it on the diagnostic's one line.
      return { ok: false, reason: message.replace(/ at position \d+.*$/, '').replace(/\r?\n/g, '\\n'), position: offset ? lineColAt(json, Number(offset[1])) : null };
    }
  }
  // The plan's fast reader takes most configs (mappings and scalars); `yaml` reads what it declines, so
  // dates stay strings and a syntax error has its line and column either way.
  const fast = fastParse(text, limits.maxDepth);
  if (fast) return { ok: true, text, value: fast.value };
  try {
    return { ok: true, text, value: yaml().parse(text) as unknown };
  } catch (error) {
    // A YAMLParseError knows where it is (`linePos`); anything else (a stack overflow on absurd nesting) does not.
    const at = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    return { ok: false, reason: yamlMessage(error instanceof Error ? error.message : String(error)), position: at ? { line: at.line, col: at.col } : null };
  }
}

function readFailure(file: string, reason: string, position: { line: number; col: number } | null): Diagnostic {
  return {
    file,
    line: position?.line ?? 1,
    col: position?.col ?? 1,
    severity: 'error',
    code: 'config-invalid',
    message: `cannot read the config: ${reason || 'unknown error'}`,
    path: [],
  };
}

/** The nearest config file from `startDir` up to the project root, or null. */
export function findConfig(startDir: string): string | null {
  const root = projectRoot(startDir);
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    for (const name of configSearchPlaces) if (existsSync(path.join(dir, name))) return path.join(dir, name);
    if (dir === root || path.dirname(dir) === dir || path.relative(root, dir).startsWith('..')) return null;
  }
}

/** The 1-based line and column of a character offset. */
function lineColAt(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before.at(-1)!.length + 1 };
}

async function validateConfig(filepath: string, text: string, value: unknown): Promise<Diagnostic[]> {
  // The config schema compiled ahead of time (`npm run gen:types`), like the plan's; loaded only when a
  // config file was found (most commands in most projects have none, and it is a large module).
  const validate = (await import('../types/config-validator.js')).validate as unknown as ValidateFunction;
  if (validate(value)) return [];
  let source: Pick<SourceFile, 'file' | 'lineCounter' | 'doc'> | null = null;
  try {
    // Parsed again with positions: only a config with a mistake pays for it.
    const { LineCounter, parseDocument } = yaml();
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
