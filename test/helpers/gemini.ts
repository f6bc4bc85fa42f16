// The real Gemini CLI for tests, fully offline: `@google/gemini-cli` installed into the test cache,
// pointed at a scripted Gemini API server on 127.0.0.1 (`GOOGLE_GEMINI_BASE_URL`, honoured for API-key
// auth and allowed over plain HTTP for localhost), so it really runs the tool calls a test scripts
// (write_file, run_shell_command) in its working directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { installAgentCli, startScriptedServer, TokenTally, type Installed, type Reply } from './agent-cli.js';

/** The version the tests were written against (its tool names, request and event shapes). */
export const GEMINI_VERSION = '0.61.0';

export function installGemini(env: NodeJS.ProcessEnv = process.env): Installed {
  return installAgentCli({ label: 'the Gemini CLI', pkg: '@google/gemini-cli', version: GEMINI_VERSION, bin: 'gemini', folder: 'gemini-cli' }, env);
}

export interface GenerateRequest {
  /** Every text of the conversation (context, prompts, tool responses), joined. */
  text: string;
  /** The task of the prompt the conversation is at (the last `# Task <id>:` heading), or null. */
  task: string | null;
  /** Function responses since that prompt: which step of the task's script is due. */
  step: number;
  /** The CLI's workspace directory (from its session context), or null. */
  cwd: string | null;
  /** The model in the request path. */
  model: string;
  tools: string[];
}

/** One model turn: a function call for the CLI to execute (its response comes back as the next step), or the final text. */
export type GeminiTurn =
  { call: { name: string; args: Record<string, unknown> }; usage?: { input: number; output: number } } | { text: string; usage?: { input: number; output: number } };

type Part = { text?: string; functionCall?: unknown; functionResponse?: unknown };
type Content = { role?: string; parts?: Part[] };

function locate(contents: Content[]): Omit<GenerateRequest, 'model' | 'tools'> {
  let task: string | null = null;
  let step = 0;
  let cwd: string | null = null;
  const texts: string[] = [];
  for (const content of contents) {
    for (const part of content.parts ?? []) {
      if (part.functionResponse) {
        step++;
        texts.push(JSON.stringify(part.functionResponse));
      }
      if (part.functionCall) texts.push(JSON.stringify(part.functionCall));
      if (typeof part.text !== 'string') continue;
      texts.push(part.text);
      const where = /Workspace Directories:\*\*\n\s+- (\S+)/.exec(part.text);
      if (where) cwd = where[1]!;
      const heading = content.role === 'user' ? /^# Task (\S+):/m.exec(part.text) : null;
      if (heading) {
        task = heading[1]!;
        step = 0;
      }
    }
  }
  return { task, step, cwd, text: texts.join('\n') };
}

export interface GeminiServer {
  url: string;
  requests: GenerateRequest[];
  /** Side requests answered generically (non-streamed generateContent, countTokens), as `METHOD url`. */
  other: string[];
  unexpected: string[];
  tokens: TokenTally;
  close(): Promise<void>;
}

/** A Gemini API stand-in: `:streamGenerateContent?alt=sse` streams what `script` says for the task's step. */
export async function startGeminiServer(script: (r: GenerateRequest) => GeminiTurn): Promise<GeminiServer> {
  const requests: GenerateRequest[] = [];
  const other: string[] = [];
  const tokens = new TokenTally();
  let n = 0;
  const server = await startScriptedServer(({ method, url, body }): Reply | null => {
    const model = /\/models\/([^:/?]+):/.exec(url)?.[1] ?? '';
    if (method !== 'POST' || !body || !model) return null;
    if (url.includes(':countTokens')) {
      other.push(`${method} ${url}`);
      return { json: { totalTokens: 10 } };
    }
    if (url.includes(':generateContent')) {
      // The CLI's own side questions: its model router asks how complex the request is (it picks the
      // model by the answer), other checks want a small JSON verdict. One answer that satisfies them all.
      other.push(`${method} ${url}`);
      const verdict = { complexity_reasoning: 'a scripted test task', complexity_score: 10, reasoning: 'a scripted test task', model_choice: 'flash', next_speaker: 'user' };
      return {
        json: {
          candidates: [{ content: { role: 'model', parts: [{ text: JSON.stringify(verdict) }] }, finishReason: 'STOP', index: 0 }],
          usageMetadata: { promptTokenCount: 0, candidatesTokenCount: 0, totalTokenCount: 0 },
        },
      };
    }
    if (!url.includes(':streamGenerateContent')) return null;
    const located = locate((body.contents ?? []) as Content[]);
    const declared = ((body.tools ?? []) as Array<{ functionDeclarations?: Array<{ name?: string }> }>).flatMap((t) => t.functionDeclarations ?? []).map((f) => f.name ?? '');
    const request: GenerateRequest = { ...located, model, tools: declared };
    requests.push(request);
    if (request.task === null) throw new Error('a conversation with no task prompt');
    const turn = script(request);
    const usage = turn.usage ?? { input: 100, output: 10 };
    tokens.add(request.task, usage.input, usage.output);
    n++;
    const part = 'call' in turn ? { functionCall: { id: `call_${n}`, name: turn.call.name, args: turn.call.args } } : { text: turn.text };
    const chunk = {
      candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output },
      modelVersion: model,
    };
    return { sse: [{ data: chunk }] };
  });
  return { url: server.url, requests, other, unexpected: server.unexpected, tokens, close: server.close };
}

/**
 * The environment for execplan and the CLI it starts: the real CLI on PATH, the server as the Gemini
 * API, an API key, and a HOME of the test's own (its ~/.gemini/settings.json selects API-key auth, which
 * headless mode needs to be told), so the user's ~/.gemini is never read or written.
 */
export function geminiEnv(installed: { binDir: string }, server: { url: string }, home: string): NodeJS.ProcessEnv {
  mkdirSync(path.join(home, '.gemini'), { recursive: true });
  writeFileSync(path.join(home, '.gemini', 'settings.json'), `${JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }, null, 2)}\n`);
  return {
    PATH: `${installed.binDir}:${process.env.PATH}`,
    HOME: home,
    TMPDIR: home,
    GEMINI_API_KEY: 'test',
    GOOGLE_GEMINI_BASE_URL: server.url,
    // It restarts itself in a second node process for a larger heap: a second start-up the test does not need.
    GEMINI_CLI_NO_RELAUNCH: 'true',
    CI: '1',
  };
}
