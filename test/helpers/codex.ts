// The real Codex CLI for tests, fully offline: `@openai/codex` (a native binary shipped through its
// optionalDependencies) installed into the test cache, pointed at a scripted Responses API server on
// 127.0.0.1 through a custom model provider (`-c model_providers.<id>.base_url=...`, `wire_api =
// "responses"`), so it really runs the `exec_command` calls a test scripts in its working directory.
import path from 'node:path';
import { installAgentCli, startScriptedServer, TokenTally, type Installed, type Reply } from './agent-cli.js';

/** The version the tests were written against (its tool names, request and event shapes). */
export const CODEX_VERSION = '0.171.0';

export function installCodex(env: NodeJS.ProcessEnv = process.env): Installed {
  return installAgentCli(
    { label: 'the Codex CLI', pkg: '@openai/codex', version: CODEX_VERSION, bin: 'codex', folder: 'codex', versionEnv: (home) => ({ CODEX_HOME: home }) },
    env,
  );
}

export interface ResponsesRequest {
  /** Every text of the conversation (instructions, prompts, tool output), joined. */
  text: string;
  /** The task of the prompt the conversation is at (the last `# Task <id>:` heading), or null. */
  task: string | null;
  /** Tool outputs since that prompt: which step of the task's script is due. */
  step: number;
  /** The CLI's working directory (its `<cwd>` environment context), or null. */
  cwd: string | null;
  model: string;
}

/** One model turn: a shell command for the CLI to run (its output comes back as the next step), or the final message. */
export type CodexTurn = { command: string; usage?: { input: number; output: number } } | { message: string; usage?: { input: number; output: number } };

type Item = { type?: string; role?: string; content?: Array<{ type?: string; text?: string }>; output?: unknown; arguments?: string };

function locate(input: Item[]): Omit<ResponsesRequest, 'model'> {
  let task: string | null = null;
  let step = 0;
  let cwd: string | null = null;
  const texts: string[] = [];
  for (const item of input) {
    const parts = (item.content ?? []).map((c) => c.text ?? '');
    if (typeof item.output === 'string') parts.push(item.output);
    if (item.arguments) parts.push(item.arguments);
    texts.push(...parts);
    for (const text of parts) {
      const where = /<cwd>([^<]+)<\/cwd>/.exec(text);
      if (where) cwd = where[1]!;
      const heading = item.role === 'user' ? /^# Task (\S+):/m.exec(text) : null;
      if (heading) {
        task = heading[1]!;
        step = 0;
      }
    }
    if (item.type === 'function_call_output') step++;
  }
  return { task, step, cwd, text: texts.join('\n') };
}

export interface CodexServer {
  url: string;
  requests: ResponsesRequest[];
  unexpected: string[];
  tokens: TokenTally;
  /** The `-c` overrides that make the CLI use this server as its model provider. */
  providerArgs: string[];
  close(): Promise<void>;
}

/** A Responses API stand-in: `POST /v1/responses` streams what `script` says for the task's step. */
export async function startCodexServer(script: (r: ResponsesRequest) => CodexTurn): Promise<CodexServer> {
  const requests: ResponsesRequest[] = [];
  const tokens = new TokenTally();
  let n = 0;
  const server = await startScriptedServer(({ method, url, body }): Reply | null => {
    if (method !== 'POST' || !url.startsWith('/v1/responses') || !body) return null;
    const located = locate((body.input ?? []) as Item[]);
    const request: ResponsesRequest = { ...located, model: String(body.model) };
    requests.push(request);
    if (request.task === null) throw new Error('a conversation with no task prompt');
    const turn = script(request);
    const usage = turn.usage ?? { input: 100, output: 10 };
    tokens.add(request.task, usage.input, usage.output);
    const id = `resp_${++n}`;
    const item =
      'command' in turn
        ? { type: 'function_call', id: `fc_${n}`, call_id: `call_${n}`, name: 'exec_command', arguments: JSON.stringify({ cmd: turn.command }) }
        : { type: 'message', id: `msg_${n}`, role: 'assistant', content: [{ type: 'output_text', text: turn.message }] };
    const events = [
      { type: 'response.created', response: { id } },
      { type: 'response.output_item.added', output_index: 0, item },
      { type: 'response.output_item.done', output_index: 0, item },
      {
        type: 'response.completed',
        response: {
          id,
          usage: {
            input_tokens: usage.input,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: usage.output,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: usage.input + usage.output,
          },
        },
      },
    ];
    return { sse: events.map((data) => ({ event: data.type, data })) };
  });
  const providerArgs = [
    '-c',
    'model_provider=execplan-test',
    '-c',
    'model_providers.execplan-test.name=execplan-test',
    '-c',
    `model_providers.execplan-test.base_url="${server.url}/v1"`,
    '-c',
    'model_providers.execplan-test.env_key=EXECPLAN_TEST_API_KEY',
    '-c',
    'model_providers.execplan-test.wire_api=responses',
  ];
  return { url: server.url, requests, unexpected: server.unexpected, tokens, providerArgs, close: server.close };
}

/**
 * The environment for execplan and the CLI it starts: the real CLI on PATH, the provider's key, and a
 * HOME and CODEX_HOME of the test's own, so the user's ~/.codex is never read or written.
 */
export function codexEnv(installed: { binDir: string }, home: string): NodeJS.ProcessEnv {
  return { PATH: `${installed.binDir}:${process.env.PATH}`, HOME: home, CODEX_HOME: path.join(home, '.codex'), TMPDIR: home, EXECPLAN_TEST_API_KEY: 'test', CI: '1' };
}
