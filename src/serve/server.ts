/**
 * The dashboard server (`execplan ui`) and the metrics endpoint (`execplan run --metrics-port`), on
 * node:http: a handful of routes do not need a framework.
 *
 * Access: bound to loopback by default, and every request (page, assets, SSE, actions, metrics on the ui
 * server) carries the random token printed in the URL, so other local users and web pages cannot read or
 * drive the run. The Host header must name the address we listen on (a DNS-rebinding page cannot reach us
 * under its own name).
 *
 * Live updates: the server watches the journal (stat every 250 ms; it only grows) and pushes a fresh view
 * to every open event stream when it moved. Any number of pages can watch; the state is read from disk,
 * so the page works with or without a run.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Registry } from 'prom-client';
import { logPath, type StatePaths } from '../runner/paths.js';
import type { RunPlan } from '../runner/plan-view.js';
import type { RunState } from '../runner/state.js';
import { liveView, type PlanShape } from './view.js';

export const webDir = path.resolve(import.meta.dirname, '..', '..', 'web');

const assets: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
};
const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** The verbs the page's buttons send (`stop-all` is `pause --stop`); the CLI command does the rest and gives the answer text. */
export type UiAction = 'approve' | 'retry' | 'skip' | 'stop' | 'pause' | 'resume' | 'stop-all';
export const uiActions: readonly UiAction[] = ['approve', 'retry', 'skip', 'stop', 'pause', 'resume', 'stop-all'];
export type ControlHandler = (action: UiAction, task: string | null) => Promise<{ ok: boolean; message: string }>;

export interface ServerOptions {
  host: string;
  port: number;
  /** Off for `run --metrics-port` (a scraper keeps a plain URL; the port is still loopback-only by default). */
  requireToken: boolean;
  metrics: Registry;
  dashboard?: { plan: RunPlan; shape: PlanShape; paths: StatePaths; state: () => RunState; control: ControlHandler };
}

export interface Served {
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

/** Up to 64 KiB of a file from `offset` (the page follows a log by asking for what came after). */
function readFrom(file: string, offset: number): { text: string; size: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { text: '', size: 0 };
  }
  try {
    const size = statSync(file).size;
    // A first look starts near the end: the tail is what people want to see.
    const from = offset < 0 ? Math.max(0, size - 16 * 1024) : Math.min(offset, size);
    const buffer = Buffer.alloc(Math.min(64 * 1024, size - from));
    const read = readSync(fd, buffer, 0, buffer.length, from);
    return { text: buffer.subarray(0, read).toString('utf8'), size: from + read };
  } finally {
    closeSync(fd);
  }
}

function journalMark(file: string): string {
  try {
    const s = statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'none';
  }
}

type Dashboard = NonNullable<ServerOptions['dashboard']>;

/** What the request handlers share: the options, the token, the open event streams and the port bound. */
interface Context {
  options: ServerOptions;
  token: string;
  tokenBuffer: Buffer;
  clients: Set<http.ServerResponse>;
  /** The port listened on (0 in the options: known once listening). */
  port: number;
  /** The journal's size and time when the view was last pushed. */
  mark: string;
}

export async function serve(options: ServerOptions): Promise<Served> {
  const token = randomBytes(16).toString('hex');
  const context: Context = { options, token, tokenBuffer: Buffer.from(token), clients: new Set(), port: options.port, mark: '' };
  const server = http.createServer((req, res) => {
    handle(context, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `${error instanceof Error ? error.message : String(error)}\n`);
      else res.end();
    });
  });
  const dash = options.dashboard;
  context.mark = dash ? journalMark(dash.paths.journal) : '';
  // Running tasks' elapsed times change without a journal record: a slower beat keeps them moving.
  let beats = 0;
  const timer = setInterval(() => pushIfMoved(context, ++beats % 20 === 0), 250);
  timer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  context.port = (server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const base = `http://${shownHost}:${context.port}/`;
  return {
    url: options.requireToken ? `${base}?token=${token}` : base,
    token,
    port: context.port,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        for (const client of context.clients) client.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One request: the Host and token checks, then the route. */
async function handle(context: Context, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const { options } = context;
  const dash = options.dashboard;
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!hostAllowed(context, req)) return send(res, 421, 'text/plain', 'unexpected Host header\n');
  if (!authorized(context, url, req)) return send(res, 403, 'text/plain', 'missing or wrong token: open the URL that `execplan ui` printed\n');
  if (url.pathname === '/metrics' && req.method === 'GET') return send(res, 200, options.metrics.contentType, await options.metrics.metrics());
  if (!dash) return send(res, 404, 'text/plain', 'not found\n');
  const asset = assets[url.pathname];
  if (asset && req.method === 'GET') {
    const file = path.join(webDir, asset);
    // The page's own asset links carry the token too (every request needs it).
    const body = asset === 'index.html' ? readFileSync(file, 'utf8').replaceAll('__TOKEN__', context.token) : readFileSync(file);
    return send(res, 200, types[path.extname(file)]!, body);
  }
  if (url.pathname === '/api/plan') return send(res, 200, 'application/json', JSON.stringify(dash.shape));
  if (url.pathname === '/api/state') return send(res, 200, 'application/json', viewJson(dash));
  if (url.pathname === '/api/events') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`data: ${viewJson(dash)}\n\n`);
    context.clients.add(res);
    req.on('close', () => context.clients.delete(res));
    return;
  }
  if (url.pathname === '/api/log') return sendLog(dash, url, res);
  if (url.pathname === '/api/control' && req.method === 'POST') return control(context, dash, req, res);
  return send(res, 404, 'text/plain', 'not found\n');
}

const viewJson = (dash: Dashboard | undefined) => (dash ? JSON.stringify(liveView(dash.plan, dash.state(), dash.paths.dir, Date.now())) : '{}');

function authorized({ options, tokenBuffer }: Context, url: URL, req: http.IncomingMessage): boolean {
  if (!options.requireToken) return true;
  const given = url.searchParams.get('token') ?? String(req.headers['x-execplan-token'] ?? '');
  const buffer = Buffer.from(given);
  return buffer.length === tokenBuffer.length && timingSafeEqual(buffer, tokenBuffer);
}

function hostAllowed({ options, port }: Context, req: http.IncomingMessage): boolean {
  const host = req.headers.host ?? '';
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].map((h) => `${h}:${port}`);
  return options.host === '0.0.0.0' || options.host === '::' || host === `${options.host}:${port}` || loopback.includes(host);
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

/** `/api/log?task=&attempt=&offset=`: what an attempt's log holds from `offset` (the latest attempt by default). */
function sendLog(dash: Dashboard, url: URL, res: http.ServerResponse): void {
  const task = url.searchParams.get('task') ?? '';
  const state = dash.state();
  const attempts = state.tasks[task]?.attempts ?? [];
  const attempt = Number(url.searchParams.get('attempt') ?? attempts[attempts.length - 1]?.n ?? 0);
  if (!dash.plan.tasks.has(task) || !attempts.some((a) => a.n === attempt)) return send(res, 200, 'application/json', JSON.stringify({ attempt: null, text: '', offset: 0 }));
  const offset = Number(url.searchParams.get('offset') ?? -1);
  const { text, size } = readFrom(logPath(dash.paths, task, attempt), Number.isFinite(offset) ? offset : -1);
  send(res, 200, 'application/json', JSON.stringify({ attempt, text, offset: size }));
}

/** `POST /api/control {action, task}`: a button of the page, handed to the control verbs; then a fresh view for every page. */
async function control(context: Context, dash: Dashboard, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > 10_000) return send(res, 413, 'text/plain', 'request too large\n');
  }
  let parsed: { action?: unknown; task?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return send(res, 400, 'application/json', JSON.stringify({ ok: false, message: 'the request is not JSON' }));
  }
  const action = uiActions.find((a) => a === parsed.action);
  if (!action) return send(res, 400, 'application/json', JSON.stringify({ ok: false, message: `unknown action ${JSON.stringify(parsed.action)}` }));
  const task = typeof parsed.task === 'string' ? parsed.task : null;
  const answer = await dash.control(action, task);
  pushIfMoved(context, true);
  send(res, answer.ok ? 200 : 409, 'application/json', JSON.stringify(answer));
}

/** Pushes a fresh view to every open event stream when the journal moved (or when `force`). */
function pushIfMoved(context: Context, force = false): void {
  const dash = context.options.dashboard;
  if (!dash || context.clients.size === 0) return;
  const now = journalMark(dash.paths.journal);
  if (!force && now === context.mark) return;
  context.mark = now;
  const data = `data: ${viewJson(dash)}\n\n`;
  for (const client of context.clients) client.write(data);
}
