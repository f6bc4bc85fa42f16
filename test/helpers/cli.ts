// The one way tests drive execplan: the CLI in this process (fast, same code as bin/execplan.js), the
// real binary as a child process (exit codes, signals, TTY), and temp folders that are always removed.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import type { CliIo } from '../../src/cli/command.js';
import type { main as mainOfSource } from '../../src/cli/main.js';
import type { compilePlan as compilePlanOfSource } from '../../src/compiler/compile.js';
import type { CompiledPlan } from '../../src/compiler/compiled.js';
import type { loadPlan as loadPlanOfSource, LoadedPlanText } from '../../src/compiler/load.js';
import type { PlanModel } from '../../src/compiler/model.js';

export const root = path.resolve(import.meta.dirname, '..', '..');
export const bin = path.join(root, 'bin', 'execplan.js');

// The built CLI and compiler (dist/, which `npm test` builds first; bin/execplan.js runs the same code),
// loaded once per test file: importing them from src/ would transpile all of it in every test process,
// which costs more CPU than the calls it saves.
const built = (module: string) => import(pathToFileURL(path.join(root, 'dist', module)).href);
const { main } = (await built('cli/main.js')) as { main: typeof mainOfSource };
const { loadPlan } = (await built('compiler/load.js')) as { loadPlan: typeof loadPlanOfSource };
const { compilePlan } = (await built('compiler/compile.js')) as { compilePlan: typeof compilePlanOfSource };

/** What a user sees from one CLI call. */
/**
 * A time as the CLI prints it (`clock` in src/core/task-status.ts): `14:05` today, `Dec 4 00:27` on
 * another day. A time an hour or even a second out may fall after midnight, so tests accept both forms.
 */
export const clockPattern = String.raw`(?:[A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d`;

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

/** Runs a shell script (`sh -c`) in which `execplan` is the real binary: pipes, `| head`, /dev/stdin. */
export function cliShell(script: string, options: CliOptions = {}): CliRun & { signal: NodeJS.Signals | null } {
  const r = spawnSync('sh', ['-c', `execplan() { "$EXECPLAN_NODE" "$EXECPLAN_BIN" "$@"; }\n${script}`], {
    cwd: options.cwd ?? root,
    env: { ...environment(options), EXECPLAN_NODE: process.execPath, EXECPLAN_BIN: bin },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Why a terminal test is skipped: script(1), which gives the CLI a pseudo-terminal, is not installed. */
export const noTerminal: string | false = spawnSync('script', ['--version']).error ? 'script(1) is not installed' : false;

/**
 * Runs the real binary on a pseudo-terminal of `rows` x `cols` (through script(1); skip with `noTerminal`).
 * `stdout` is what the terminal received, escape sequences included. CI is never set: a terminal is the point.
 */
export function cliTerminal(args: string[], options: CliOptions & { rows?: number; cols?: number } = {}): CliRun {
  const env = environment(options);
  delete env.CI;
  const command = [process.execPath, bin, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const r = spawnSync('script', ['-qfc', `stty rows ${options.rows ?? 40} cols ${options.cols ?? 100}; ${command}`, '/dev/null'], {
    cwd: options.cwd ?? root,
    env,
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the real binary in the background; `output()` is stdout and stderr interleaved so far. */
export function cliBackground(args: string[], options: CliOptions = {}) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? root, env: environment(options), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  liveRunners.add(child);
  child.on('exit', () => liveRunners.delete(child));
  return { child, exited, output: () => out };
}

// Background runs still going when the file ends or is stopped (a test that failed before it ended its
// run would leave the runner and its tasks behind): SIGTERM makes execplan end its task trees and exit, as
// a user's Ctrl-C would.
const liveRunners = new Set<ChildProcess>();
function stopLiveRunners(): void {
  for (const child of liveRunners) child.kill('SIGTERM');
  liveRunners.clear();
}
t.teardown(stopLiveRunners);

// Temp folders not yet removed: a test file stopped by a signal (tap's timeout sends SIGTERM, Ctrl-C
// SIGINT) runs no teardown, so they are removed on the way out too, then the signal takes its course.
const liveTempDirs = new Set<string>();
const removeLiveTempDirs = () => {
  stopLiveRunners();
  for (const dir of liveTempDirs) rmSync(dir, { recursive: true, force: true });
  liveTempDirs.clear();
};
process.once('exit', removeLiveTempDirs);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    removeLiveTempDirs();
    process.kill(process.pid, signal);
  });
}

/** A temp folder removed when the current test (or file) ends, whatever happens. */
export function tempDir(prefix = 'execplan-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  liveTempDirs.add(dir);
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
    liveTempDirs.delete(dir);
  });
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
