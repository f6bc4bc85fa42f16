// The real Claude Code CLI for tests, fully offline: installed once into a cache folder outside the
// repository (never into package.json: it is a 400 MB native binary the product does not depend on), and
// a scripted model server on 127.0.0.1 that answers the Messages API the way the CLI expects, so the
// CLI really executes the tool calls a test scripts (Write, Bash) in its working directory.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { installAgentCli, type Installed } from './agent-cli.js';

/** The version the tests were written against (its stream-json and request shapes). */
export const CLAUDE_CODE_VERSION = '2.1.332';

/**
 * `claude` from `@anthropic-ai/claude-code@CLAUDE_CODE_VERSION` in `${XDG_CACHE_HOME:-~/.cache}/execplan-test/claude-code`,
 * installed there on first use (the package ships the linux-x64 binary through its optionalDependencies).
 */
export function installClaudeCode(env: NodeJS.ProcessEnv = process.env): Installed {
  return installAgentCli(
    {
      label: 'the Claude Code CLI',
      pkg: '@anthropic-ai/claude-code',
      version: CLAUDE_CODE_VERSION,
      bin: 'claude',
      folder: 'claude-code',
      versionEnv: (home) => ({ CLAUDE_CONFIG_DIR: path.join(home, '.claude') }),
    },
    env,
  );
}

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

/** One model turn: tool calls (the CLI executes them and comes back with their results) and/or text. */
export interface Turn {
  tools?: ToolCall[];
  text?: string;
  usage?: { input: number; output: number };
}

export interface MessagesRequest {
  /** The parsed request body. */
  body: { model: string; messages: Array<{ role: string; content: unknown }>; stream?: boolean; max_tokens?: number };
  /** Every text the conversation holds (prompts, tool results, earlier answers), joined: what the model "sees". */
  text: string;
  /** The task of the prompt the conversation is at (the last `# Task <id>:` heading), or null. */
  task: string | null;
  /** How many tool results came back since that prompt: which step of the task's script is due. */
  step: number;
  /** The CLI's working directory (from its environment block), or null. */
  cwd: string | null;
}

export interface ModelServer {
  url: string;
  /** The streamed Messages requests that reached a task's script, in order. */
  requests: MessagesRequest[];
  /** Requests that were answered generically (quota checks, token counts, HEAD) as `METHOD url`. */
  other: string[];
  /** Requests the server did not expect (an unknown path): a test should show them when it fails. */
  unexpected: string[];
  /** The tokens the server reported, per task: what execplan's usage figures must add up to. */
  tokens: Map<string, { input: number; output: number }>;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function textsOf(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  const out: string[] = [];
  for (const block of content as Json[]) {
    if (typeof block.text === 'string') out.push(block.text);
    if (block.type === 'tool_result') out.push(...textsOf(block.content));
    if (block.type === 'tool_use') out.push(JSON.stringify(block.input));
  }
  return out;
}

function toolResults(content: unknown): number {
  return Array.isArray(content) ? (content as Json[]).filter((b) => b.type === 'tool_result').length : 0;
}

/** Where the conversation is: the last task prompt, and the tool results after it. */
function locate(messages: MessagesRequest['body']['messages']): { task: string | null; step: number; cwd: string | null } {
  let task: string | null = null;
  let step = 0;
  let cwd: string | null = null;
  for (const m of messages) {
    const texts = textsOf(m.content);
    for (const text of texts) {
      const where = /Primary working directory: (\S+)/.exec(text);
      if (where) cwd = where[1]!;
    }
    if (m.role !== 'user') continue;
    const heading = texts.map((x) => /^# Task (\S+):/m.exec(x)).find((x) => x !== null);
    if (heading) {
      task = heading[1]!;
      step = 0;
    }
    step += toolResults(m.content);
  }
  return { task, step, cwd };
}

/**
 * A Messages API stand-in. `script(request)` gives the turn for a streamed request of a task's
 * conversation; other requests get a short generic answer with no token usage. Listens on 127.0.0.1
 * (random port) and closes by itself after `lifetimeMs` in any case.
 */
export async function startModelServer(script: (request: MessagesRequest) => Turn, lifetimeMs = 300_000): Promise<ModelServer> {
  const requests: MessagesRequest[] = [];
  const other: string[] = [];
  const unexpected: string[] = [];
  const tokens = new Map<string, { input: number; output: number }>();
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'HEAD' || (req.method === 'GET' && url === '/')) {
        other.push(`${req.method} ${url}`);
        res.writeHead(200);
        return res.end();
      }
      if (req.method !== 'POST' || !url.startsWith('/v1/messages')) {
        unexpected.push(`${req.method} ${url}`);
        return json(404, { type: 'error', error: { type: 'not_found_error', message: `the test model server does not serve ${url}` } });
      }
      let body: MessagesRequest['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MessagesRequest['body'];
      } catch {
        unexpected.push(`${req.method} ${url} (not JSON)`);
        return json(400, { type: 'error', error: { type: 'invalid_request_error', message: 'not JSON' } });
      }
      if (url.startsWith('/v1/messages/count_tokens')) {
        other.push(`POST ${url}`);
        return json(200, { input_tokens: 10 });
      }
      const id = `msg_test_${++n}`;
      const where = locate(body.messages ?? []);
      // A quota probe (max_tokens 1), a non-streamed side request, or a conversation that is no task's.
      if (!body.stream || where.task === null) {
        other.push(`POST ${url} (${body.stream ? 'stream' : 'no stream'}, max_tokens ${body.max_tokens ?? '-'})`);
        const message = {
          id,
          type: 'message',
          role: 'assistant',
          model: body.model,
          content: [{ type: 'text', text: 'ok' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 0, output_tokens: 0 },
        };
        if (!body.stream) return json(200, message);
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        return res.end(
          sse([
            ['message_start', { message: { ...message, content: [], stop_reason: null } }],
            ...textBlock(0, 'ok'),
            ['message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 0 } }],
            ['message_stop', {}],
          ]),
        );
      }
      const request: MessagesRequest = { body, text: (body.messages ?? []).flatMap((m) => textsOf(m.content)).join('\n'), ...where };
      requests.push(request);
      let turn: Turn;
      try {
        turn = script(request);
      } catch (error) {
        unexpected.push(`POST ${url}: the script failed for ${where.task} step ${where.step}: ${String(error)}`);
        turn = { text: 'The test script has no step for this.' };
      }
      const usage = turn.usage ?? { input: 100, output: 10 };
      const sum = tokens.get(where.task) ?? { input: 0, output: 0 };
      tokens.set(where.task, { input: sum.input + usage.input, output: sum.output + usage.output });
      const events: Array<[string, Json]> = [
        [
          'message_start',
          {
            message: {
              id,
              type: 'message',
              role: 'assistant',
              model: body.model,
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { input_tokens: usage.input, output_tokens: 0 },
            },
          },
        ],
      ];
      let index = 0;
      if (turn.text !== undefined) events.push(...textBlock(index++, turn.text));
      for (const tool of turn.tools ?? []) {
        events.push(
          ['content_block_start', { index, content_block: { type: 'tool_use', id: `toolu_${n}_${index}`, name: tool.name, input: {} } }],
          ['content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(tool.input) } }],
          ['content_block_stop', { index }],
        );
        index++;
      }
      events.push(
        ['message_delta', { delta: { stop_reason: turn.tools?.length ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } }],
        ['message_stop', {}],
      );
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(sse(events));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const timer = setTimeout(() => server.close(), lifetimeMs);
  timer.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    other,
    unexpected,
    tokens,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function textBlock(index: number, text: string): Array<[string, Json]> {
  return [
    ['content_block_start', { index, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { index, delta: { type: 'text_delta', text } }],
    ['content_block_stop', { index }],
  ];
}

function sse(events: Array<[string, Json]>): string {
  return events.map(([type, data]) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`).join('');
}

/**
 * The environment for execplan and the CLI it starts: the real CLI on PATH, the model server as the API,
 * and a HOME, config folder and TMPDIR of the test's own, so the user's ~/.claude is never read or written.
 */
export function claudeEnv(installed: { binDir: string }, server: { url: string }, home: string): NodeJS.ProcessEnv {
  return {
    PATH: `${installed.binDir}:${process.env.PATH}`,
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    TMPDIR: home,
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: 'test',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    CI: '1',
  };
}
