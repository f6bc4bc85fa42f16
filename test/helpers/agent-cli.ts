// Installing a real agent CLI for tests: once, into a cache folder outside the repository (never into
// package.json: the product does not depend on them, and some are native binaries of hundreds of MB), at
// the pinned version the tests were written against. Anything that keeps it from installing or starting
// is a reason to skip, said in words, so a machine without the registry still runs the rest of the suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import { cli } from './cli.js';

export type Installed = { ok: true; bin: string; binDir: string; version: string } | { ok: false; skip: string };

export interface CliPackage {
  /** What the skip messages call it: "the Codex CLI". */
  label: string;
  /** The npm package and its pinned version. */
  pkg: string;
  version: string;
  /** The executable the package links into node_modules/.bin. */
  bin: string;
  /** The folder under `execplan-test/` in the cache. */
  folder: string;
  /** The environment of the `--version` check, given its throwaway HOME (each CLI has its own config folders). */
  versionEnv?: (home: string) => NodeJS.ProcessEnv;
}

/** `bin` from `pkg@version` in `${XDG_CACHE_HOME:-~/.cache}/execplan-test/<folder>/<version>`, installed there on first use. */
export function installAgentCli(spec: CliPackage, env: NodeJS.ProcessEnv = process.env): Installed {
  const cache = env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  const prefix = path.join(cache, 'execplan-test', spec.folder, spec.version);
  const binDir = path.join(prefix, 'node_modules', '.bin');
  const bin = path.join(binDir, spec.bin);
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    const npm = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `${spec.pkg}@${spec.version}`], {
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...env, npm_config_update_notifier: 'false' },
    });
    if (npm.error || npm.status !== 0) {
      const why = npm.error ? npm.error.message : (npm.stderr || npm.stdout).trim().split('\n').slice(-2).join(' ');
      return { ok: false, skip: `${spec.label} ${spec.version} could not be installed into ${prefix} (${why}); install it there to run these tests` };
    }
    if (!existsSync(bin))
      return { ok: false, skip: `npm installed ${spec.pkg} but no ${spec.bin} binary is in ${binDir} (no native package for ${process.platform}-${process.arch}?)` };
  }
  // Its own version check, in a throwaway HOME: it must start here (right platform binary, not a stub).
  // A check that passed is remembered for this very install and Node (a Node CLI such as gemini spends
  // seconds of CPU starting, twice: it relaunches itself); anything else that changes runs it again.
  const stamp = path.join(prefix, 'version-ok.json');
  const key = installKey(bin);
  const passed = readStamp(stamp);
  if (passed && passed.key === key) return { ok: true, bin, binDir, version: passed.version };
  const home = path.join(prefix, 'version-home');
  mkdirSync(home, { recursive: true });
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000, env: { PATH: env.PATH, HOME: home, ...spec.versionEnv?.(home) } });
  const shown = (version.stdout ?? '').trim();
  if (version.status !== 0 || !shown.includes(spec.version))
    return {
      ok: false,
      skip: `the installed ${spec.label} does not start (${bin} --version: ${version.error?.message ?? (shown || (version.stderr ?? '').trim() || `exit ${version.status}`)})`,
    };
  // Written whole then renamed: a test file reading it at the same moment sees the old one or the new one.
  const partial = `${stamp}.${process.pid}`;
  writeFileSync(partial, JSON.stringify({ key, version: shown }));
  renameSync(partial, stamp);
  return { ok: true, bin, binDir, version: shown };
}

/** What the version check was run against: the binary it resolves to (size, mtime), this Node and platform. */
function installKey(bin: string): string {
  const target = realpathSync(bin);
  const { size, mtimeMs } = statSync(target);
  return JSON.stringify([target, size, mtimeMs, process.version, process.platform, process.arch]);
}

function readStamp(file: string): { key: string; version: string } | null {
  try {
    const stamp = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; version?: unknown };
    return typeof stamp.key === 'string' && typeof stamp.version === 'string' ? { key: stamp.key, version: stamp.version } : null;
  } catch {
    return null;
  }
}

export interface Exchange {
  method: string;
  url: string;
  /** The parsed JSON body (null when there is none or it is not JSON). */
  body: Record<string, unknown> | null;
}

export interface Reply {
  status?: number;
  /** An SSE stream: each entry is one `data:` event (with `event:` when a type is given). */
  sse?: Array<{ event?: string; data: unknown }>;
  json?: unknown;
}

export interface ScriptedServer {
  url: string;
  /** Requests the handler did not answer (it returned null): a test should show them when it fails. */
  unexpected: string[];
  close: () => Promise<void>;
}

/**
 * A model API stand-in on 127.0.0.1 (random port) that answers each request with what `handle` returns
 * (null: a 404 the test reports as unexpected). Closes by itself after `lifetimeMs` in any case.
 */
export async function startScriptedServer(handle: (request: Exchange) => Reply | null, lifetimeMs = 300_000): Promise<ScriptedServer> {
  const unexpected: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      let body: Record<string, unknown> | null = null;
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
      let reply: Reply | null;
      try {
        reply = handle({ method: req.method ?? 'GET', url, body });
      } catch (error) {
        unexpected.push(`${req.method} ${url}: the script failed: ${String(error)}`);
        reply = null;
      }
      if (!reply) {
        if (!unexpected.some((u) => u.startsWith(`${req.method} ${url}:`))) unexpected.push(`${req.method} ${url}`);
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: `the test model server does not serve ${url}` } }));
      }
      if (reply.sse) {
        res.writeHead(reply.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        return res.end(reply.sse.map((e) => `${e.event ? `event: ${e.event}\n` : ''}data: ${JSON.stringify(e.data)}\n\n`).join(''));
      }
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.json ?? {}));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const timer = setTimeout(() => server.close(), lifetimeMs);
  timer.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    unexpected,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The git identity of the commits execplan makes in these tests (a CI machine may have none). */
export const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

/**
 * The plan the real-CLI tests run: stream `data` makes the User model, stream `api` builds login on it
 * (so its worktree must hold the model's commit first), both with the given agent profile.
 */
export function twoStreamPlan(name: string, profile: string): string {
  return `version: 1
name: ${name}
streams:
  data: { owns: ["src/models/**"] }
  api: { owns: ["src/api/**"] }
tasks:
  - id: model
    title: Create the user model
    stream: data
    agent: { profile: ${profile} }
    acceptance:
      - "User has an id and an email"
      - { file: src/models/user.ts, contains: "export interface User" }
  - id: login
    title: Build the login endpoint
    stream: api
    needs: [model]
    agent: { profile: ${profile} }
    acceptance:
      - "login returns the User"
      - { run: "test -f src/models/user.ts" }
      - { file: src/api/login.ts, contains: "export function login" }
`;
}

export const USER_TS = 'export interface User {\n  id: string;\n  email: string;\n}\n';
export const LOGIN_TS = "import type { User } from '../models/user';\nexport function login(email: string): User {\n  return { id: '1', email };\n}\n";

/** Tokens per task, as a scripted server reported them: what execplan's usage figures must add up to. */
export class TokenTally {
  readonly perTask = new Map<string, { input: number; output: number }>();
  add(task: string, input: number, output: number): void {
    const sum = this.perTask.get(task) ?? { input: 0, output: 0 };
    this.perTask.set(task, { input: sum.input + input, output: sum.output + output });
  }
  total(): { input: number; output: number } {
    return [...this.perTask.values()].reduce((a, b) => ({ input: a.input + b.input, output: a.output + b.output }), { input: 0, output: 0 });
  }
}

/** One model request as the scripted servers record it: which task asked, from where, with what text. */
export interface RecordedRequest {
  task: string | null;
  cwd: string | null;
  text: string;
}

/**
 * What every real-CLI test proves of one `run --worktrees` over the two streams: each task asked the model
 * from its stream's worktree, and login's prompt holds its title, acceptance, checks and the upstream
 * hand-off (`handoffFrom` says which of the CLI's events it came from). Returns the first request per task.
 */
export function checkPrompts<R extends RecordedRequest>(t: Test, dir: string, requests: R[], handoff: string, handoffFrom: string) {
  const worktree = (stream: string) => path.join(dir, '.execplan', 'worktrees', stream);
  const first = (task: string) => requests.find((q) => q.task === task)!;
  t.equal(first('model').cwd, worktree('data'), 'the data task ran in the data worktree');
  t.equal(first('login').cwd, worktree('api'), 'the api task ran in the api worktree');
  const prompt = first('login').text;
  t.match(prompt, '# Task login: Build the login endpoint', "the prompt has the task's title");
  t.match(prompt, '- login returns the User', 'its acceptance criteria');
  t.match(prompt, '`test -f src/models/user.ts` exits 0', 'the checks execplan runs after it');
  t.match(prompt, `### model: Create the user model (done)\n${handoff}`, `the upstream hand-off, from ${handoffFrom}`);
  return { first, prompt };
}

/** The files the CLI wrote are committed on the plan's stream branches, and the checkout is untouched. */
export function checkBranches(t: Test, dir: string, plan: string, git: (...args: string[]) => string): void {
  t.equal(git('show', `execplan/${plan}/data:src/models/user.ts`), USER_TS, 'the CLI wrote the model in the data worktree');
  t.equal(git('show', `execplan/${plan}/api:src/api/login.ts`), LOGIN_TS);
  t.equal(git('show', `execplan/${plan}/api:src/models/user.ts`), USER_TS, 'the api branch holds its upstream stream work');
  t.equal(readFileSync(path.join(dir, 'README.md'), 'utf8'), 'base\n', 'the checkout itself is untouched');
}

/** The tokens the server reported add up in the run output, the run summary and `execplan status`. */
export async function checkUsage(t: Test, o: { dir: string; plan: string; stdout: string; tokens: TokenTally; env: NodeJS.ProcessEnv }): Promise<void> {
  const sum = o.tokens.total();
  t.same(Object.fromEntries(o.tokens.perTask), { model: { input: 2500, output: 120 }, login: { input: 4100, output: 150 } });
  t.match(o.stdout, `Agent usage: 2 tasks, ${sum.input} input + ${sum.output} output tokens, 2 turns, 2 tool calls`);
  const runs = path.join(o.dir, '.execplan', o.plan, 'runs');
  const summary = JSON.parse(readFileSync(path.join(runs, readdirSync(runs)[0]!), 'utf8')) as {
    agents: { totals: { inputTokens: number; outputTokens: number; costUsd: number | null }; tasks: Record<string, { inputTokens: number }> };
  };
  t.match(summary.agents.totals, { inputTokens: sum.input, outputTokens: sum.output }, 'the run summary has the usage');
  t.equal(summary.agents.tasks.login!.inputTokens, 4100);
  const status = await cli(['status'], { cwd: o.dir, env: o.env });
  t.match(status.stdout, `Agent usage: 2 tasks, ${sum.input} input + ${sum.output} output tokens`, 'so does status');
}
