/**
 * Reading an agent's output stream. One parser understands the three JSON event dialects, told apart by
 * their event types:
 * - Claude Code `--output-format stream-json --verbose`: system/init, assistant (text, tool_use), user
 *   (tool_result), result {subtype, is_error, num_turns, total_cost_usd, usage, result, structured_output}.
 * - Codex `exec --json`: thread.started, turn.started, item.started/updated/completed {item: agent_message,
 *   command_execution, file_change, ...}, turn.completed {usage}, turn.failed, error.
 * - Gemini `--output-format stream-json`: init, message {role, content, delta}, tool_use {tool_name,
 *   parameters}, tool_result, error, result {status, stats {input_tokens, output_tokens, tool_calls}}.
 * Lines that are not JSON are kept in the transcript and otherwise ignored.
 */
export interface AgentUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number | null;
  turns: number;
  toolCalls: number;
}

export interface AgentOutcome {
  /** The agent's final answer (its last message / result text), or null when it gave none. */
  result: string | null;
  /** Claude --json-schema output, when present. */
  structured: unknown;
  /** The agent itself reported failure (is_error, turn.failed, status error). */
  isError: boolean;
  errorMessage: string | null;
  usage: AgentUsage;
  sessionId: string | null;
  model: string | null;
}

export interface OutputParser {
  /** Feeds one line; returns a short progress text when the line changes what the agent is doing. */
  line(line: string): string | null;
  outcome(): AgentOutcome;
}

type Json = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const obj = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);

/** One line of text, cut to fit a status column. */
export function shorten(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** "Edit src/api/login.ts", "Bash npm test": the tool and its most telling argument. */
export function describeTool(name: string, input: unknown): string {
  const args = obj(input) ?? {};
  const detail =
    str(args.file_path) ?? str(args.path) ?? str(args.command) ?? str(args.pattern) ?? str(args.url) ?? str(args.description) ?? str(args.query) ?? '';
  return shorten(detail ? `${name} ${detail}` : name);
}

export function createOutputParser(format: 'stream-json' | 'text'): OutputParser {
  const usage: AgentUsage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null, turns: 0, toolCalls: 0 };
  const state: Omit<AgentOutcome, 'usage'> = { result: null, structured: undefined, isError: false, errorMessage: null, sessionId: null, model: null };
  let lastText: string | null = null;
  let claudeResultUsage = false;
  let geminiDelta = '';

  // A plain-text agent's answer is everything it printed (a plan is many lines), not its last line.
  const textLines: string[] = [];
  const text = (line: string): string | null => {
    textLines.push(line);
    const t = line.trim();
    if (!t) return null;
    return shorten(t);
  };

  const claudeContent = (message: Json): string | null => {
    let progress: string | null = null;
    const content = Array.isArray(message.content) ? message.content : [];
    for (const block of content) {
      const b = obj(block);
      if (!b) continue;
      if (b.type === 'tool_use') {
        usage.toolCalls++;
        progress = describeTool(str(b.name) ?? 'tool', b.input);
      } else if (b.type === 'text' && str(b.text)?.trim()) {
        lastText = str(b.text);
        progress = shorten(lastText!);
      }
    }
    return progress;
  };

  const event = (e: Json): string | null => {
    const type = str(e.type);
    switch (type) {
      // Claude Code
      case 'system':
        state.sessionId = str(e.session_id) ?? state.sessionId;
        state.model = str(e.model) ?? state.model;
        return e.subtype === 'init' ? 'started' : null;
      case 'assistant': {
        const message = obj(e.message);
        if (!message) return null;
        usage.turns++;
        return claudeContent(message);
      }
      case 'user':
        return null;
      case 'result': {
        if (e.stats !== undefined || e.status !== undefined) {
          // Gemini
          const stats = obj(e.stats) ?? {};
          usage.inputTokens = num(stats.input_tokens);
          usage.outputTokens = num(stats.output_tokens);
          usage.cacheReadTokens = num(stats.cached);
          usage.toolCalls = Math.max(usage.toolCalls, num(stats.tool_calls));
          if (e.status === 'error') {
            state.isError = true;
            state.errorMessage = str(obj(e.error)?.message) ?? 'the agent reported an error';
          }
          if (geminiDelta) lastText = geminiDelta;
          state.result = lastText;
          return state.isError ? `failed: ${shorten(state.errorMessage ?? '')}` : 'finished';
        }
        const u = obj(e.usage) ?? {};
        usage.inputTokens = num(u.input_tokens);
        usage.outputTokens = num(u.output_tokens);
        usage.cacheReadTokens = num(u.cache_read_input_tokens);
        usage.cacheWriteTokens = num(u.cache_creation_input_tokens);
        claudeResultUsage = true;
        if (typeof e.total_cost_usd === 'number') usage.costUsd = e.total_cost_usd;
        if (typeof e.num_turns === 'number') usage.turns = e.num_turns;
        state.result = str(e.result) ?? lastText;
        if (e.structured_output !== undefined) state.structured = e.structured_output;
        state.sessionId = str(e.session_id) ?? state.sessionId;
        if (e.is_error === true || (typeof e.subtype === 'string' && e.subtype !== 'success')) {
          state.isError = true;
          state.errorMessage = str(e.result) || (str(e.subtype) ?? 'error');
        }
        return state.isError ? `failed: ${shorten(state.errorMessage ?? '')}` : 'finished';
      }
      // Codex
      case 'thread.started':
        state.sessionId = str(e.thread_id) ?? state.sessionId;
        return 'started';
      case 'turn.started':
        usage.turns++;
        return null;
      case 'turn.completed': {
        const u = obj(e.usage) ?? {};
        usage.inputTokens += num(u.input_tokens);
        usage.outputTokens += num(u.output_tokens);
        usage.cacheReadTokens += num(u.cached_input_tokens);
        state.result = lastText;
        return null;
      }
      case 'turn.failed':
        state.isError = true;
        state.errorMessage = str(obj(e.error)?.message) ?? 'turn failed';
        return `failed: ${shorten(state.errorMessage)}`;
      case 'item.started':
      case 'item.updated':
      case 'item.completed': {
        const item = obj(e.item);
        if (!item) return null;
        switch (item.type) {
          case 'command_execution':
            if (type === 'item.started') usage.toolCalls++;
            return type === 'item.started' ? shorten(`Bash ${str(item.command) ?? ''}`) : null;
          case 'file_change': {
            const changes = Array.isArray(item.changes) ? item.changes.map((c) => str(obj(c)?.path)).filter(Boolean) : [];
            if (type === 'item.completed') usage.toolCalls++;
            return shorten(`Edit ${changes.join(', ')}`);
          }
          case 'mcp_tool_call':
            if (type === 'item.started') usage.toolCalls++;
            return shorten(`${str(item.server) ?? 'mcp'}.${str(item.tool) ?? 'tool'}`);
          case 'agent_message':
            if (type !== 'item.completed' || !str(item.text)) return null;
            lastText = str(item.text);
            state.result = lastText;
            return shorten(lastText!);
          default:
            return null;
        }
      }
      case 'error':
        // Often transient (Codex: "Reconnecting... 2/5"); failure is decided by turn.failed, a result
        // with is_error / status error, or the exit code. Kept as the message if the agent fails.
        state.errorMessage = str(e.message) ?? str(obj(e.error)?.message) ?? 'error';
        return `error: ${shorten(state.errorMessage)}`;
      // Gemini
      case 'init':
        state.sessionId = str(e.session_id) ?? state.sessionId;
        state.model = str(e.model) ?? state.model;
        return 'started';
      case 'message': {
        if (e.role !== 'assistant') return null;
        const content = str(e.content) ?? '';
        if (e.delta === true) geminiDelta += content;
        else geminiDelta = content;
        lastText = geminiDelta;
        return shorten(geminiDelta.split('\n').filter((l) => l.trim()).pop() ?? '');
      }
      case 'tool_use':
        usage.toolCalls++;
        geminiDelta = '';
        usage.turns++;
        return describeTool(str(e.tool_name) ?? 'tool', e.parameters);
      case 'tool_result':
        return null;
      default:
        return null;
    }
  };

  return {
    line(line) {
      if (format === 'text') return text(line);
      const t = line.trim();
      if (!t.startsWith('{')) return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(t);
      } catch {
        return null;
      }
      const e = obj(parsed);
      return e ? event(e) : null;
    },
    outcome() {
      if (format === 'text' && state.result === null) {
        const whole = textLines.join('\n').trim();
        if (whole) state.result = whole;
      }
      if (state.result === null && lastText !== null) state.result = lastText;
      if (!claudeResultUsage && usage.turns === 0 && state.result !== null) usage.turns = 1;
      return { ...state, usage: { ...usage } };
    },
  };
}
