// The one way tests drive execplan: the CLI in this process (fast, same code as bin/execplan.js), the
// real binary as a child process (exit codes, signals, TTY), and temp folders that are always removed.
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { CliIo } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import { compilePlan } from '../../src/compiler/compile.js';
import type { CompiledPlan } from '../../src/compiler/compiled.js';
import { loadPlan, type LoadedPlanText } from '../../src/compiler/load.js';
import type { PlanModel } from '../../src/compiler/model.js';

export const root = path.resolve(import.meta.dirname, '..', '..');
export const bin = path.join(root, 'bin', 'execplan.js');

/** What a user sees from one CLI call. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  /** Added to a minimal environment (PATH, HOME) unless `inheritEnv` is set. */
  env?: NodeJS.ProcessEnv;
  inheritEnv?: boolean;
  isTTY?: boolean;
}

function environment(options: CliOptions): NodeJS.ProcessEnv {
  const base = options.inheritEnv ? process.env : { PATH: process.env.PATH, HOME: process.env.HOME };
  return { ...base, ...options.env };
}

/** Runs `execplan <args>` in this process through main(): no start-up cost per call. */
export async function cli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    cwd: options.cwd ?? root,
    env: environment(options),
    isTTY: options.isTTY ?? false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Runs the real binary as a child process and waits for it (exit codes as the shell sees them). */
export function cliProcess(args: string[], options: CliOptions & { input?: string } = {}): CliRun & { signal: NodeJS.Signals | null } {
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    env: environment(options),
    encoding: 'utf8',
    input: options.input,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the real binary in the background; `output()` is stdout and stderr interleaved so far. */
export function cliBackground(args: string[], options: CliOptions = {}) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, env: environment(options), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

/** A temp folder removed when the current test (or file) ends, whatever happens. */
export function tempDir(prefix = 'execplan-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A temp project: each entry of `files` (relative path -> content) is written, folders created. */
export function project(files: Record<string, string>, prefix?: string): string {
  const dir = tempDir(prefix);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

/** Loads a plan text in memory; throws with the diagnostics when it is invalid. */
export function loadText(text: string, file = 'plan.yaml'): LoadedPlanText {
  const loaded = loadPlan(file, text);
  if (!loaded.ok) throw new Error(`plan does not load:\n${loaded.error.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n')}`);
  return loaded.value;
}

/** The normalized model of a plan text; throws with the diagnostics when it is invalid. */
export function modelOf(text: string, file = 'plan.yaml'): PlanModel {
  return loadText(text, file).model;
}

/** Loads and compiles a plan text in memory; throws with the diagnostics when it is invalid. */
export function compileText(text: string, file = 'plan.yaml'): CompiledPlan {
  return compilePlan(modelOf(text, file));
}
