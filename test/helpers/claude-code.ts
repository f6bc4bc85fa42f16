// The real Claude Code CLI for tests, fully offline: installed once into a cache folder outside the
// repository (never into package.json: it is a 400 MB native binary the product does not depend on), and
// a scripted model server on 127.0.0.1 that answers the Messages API the way the CLI expects, so the
// CLI really executes the tool calls a test scripts (Write, Bash) in its working directory.
import path from 'node:path';
import { installAgentCli, startScriptedServer, TokenTally, type Installed } from './agent-cli.js';

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
  tokens: TokenTally;
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
 * A Messages API stand-in on the shared scripted server (127.0.0.1, random port, closes by itself after
 * `lifetimeMs`). `script(request)` gives the turn for a streamed request of a task's conversation; other
 * requests get a short generic answer with no token usage.
 */
export async function startModelServer(script: (request: MessagesRequest) => Turn, lifetimeMs = 300_000): Promise<ModelServer> {
  const requests: MessagesRequest[] = [];
  const other: string[] = [];
  const tokens = new TokenTally();
  let n = 0;
  const server = await startScriptedServer(({ method, url, body: raw }) => {
    if (method === 'HEAD' || (method === 'GET' && url === '/')) {
      other.push(`${method} ${url}`);
      return { json: {} };
    }
    // Anything else is unexpected (null: a 404 the test shows), a body that is not JSON too.
    if (method !== 'POST' || !url.startsWith('/v1/messages') || raw === null) return null;
    const body = raw as MessagesRequest['body'];
    if (url.startsWith('/v1/messages/count_tokens')) {
      other.push(`POST ${url}`);
      return { json: { input_tokens: 10 } };
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
      if (!body.stream) return { json: message };
      return {
        sse: events([
          ['message_start', { message: { ...message, content: [], stop_reason: null } }],
          ...textBlock(0, 'ok'),
          ['message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 0 } }],
          ['message_stop', {}],
        ]),
      };
    }
    const request: MessagesRequest = { body, text: (body.messages ?? []).flatMap((m) => textsOf(m.content)).join('\n'), ...where };
    requests.push(request);
    let turn: Turn;
    try {
      turn = script(request);
    } catch (error) {
      server.unexpected.push(`POST ${url}: the script failed for ${where.task} step ${where.step}: ${String(error)}`);
      turn = { text: 'The test script has no step for this.' };
    }
    const usage = turn.usage ?? { input: 100, output: 10 };
    tokens.add(where.task, usage.input, usage.output);
    return { sse: events(turnEvents(id, body.model, n, turn, usage)) };
  }, lifetimeMs);
  return { url: server.url, requests, other, unexpected: server.unexpected, tokens, close: server.close };
}

/** The streamed events of one scripted turn: its text, then its tool calls, then why it stopped. */
function turnEvents(id: string, model: string, n: number, turn: Turn, usage: { input: number; output: number }): Array<[string, Json]> {
  const out: Array<[string, Json]> = [
    [
      'message_start',
      { message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: usage.input, output_tokens: 0 } } },
    ],
  ];
  let index = 0;
  if (turn.text !== undefined) out.push(...textBlock(index++, turn.text));
  for (const tool of turn.tools ?? []) {
    out.push(
      ['content_block_start', { index, content_block: { type: 'tool_use', id: `toolu_${n}_${index}`, name: tool.name, input: {} } }],
      ['content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(tool.input) } }],
      ['content_block_stop', { index }],
    );
    index++;
  }
  out.push(
    ['message_delta', { delta: { stop_reason: turn.tools?.length ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } }],
    ['message_stop', {}],
  );
  return out;
}

/** Named SSE events in the shared server's form. */
const events = (list: Array<[string, Json]>) => list.map(([event, data]) => ({ event, data: { type: event, ...data } }));

function textBlock(index: number, text: string): Array<[string, Json]> {
  return [
    ['content_block_start', { index, content_block: { type: 'text', text: '' } }],
    ['content_block_delta', { index, delta: { type: 'text_delta', text } }],
    ['content_block_stop', { index }],
  ];
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
