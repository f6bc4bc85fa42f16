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
  /** The last output line that was not a JSON event (a CLI error printed as plain text), for failure reasons. */
  lastPlainLine?: string | null;
  /** Claude's last `rate_limit_event` (status allowed, allowed_warning or rejected; resetsAt in epoch ms). */
  rateLimit: { status: string; resetsAtMs: number | null; type: string | null } | null;
  /** Every error text the agent reported (error events, failed results), for telling limits from failures. */
  errorTexts: string[];
}

export interface OutputParser {
  /** Feeds one line; returns a short progress text when the line changes what the agent is doing. */
  line(line: string): string | null;
  outcome(): AgentOutcome;
  /** The last rate-limit report seen so far (no side effects: safe while the agent runs). */
  rateLimit(): AgentOutcome['rateLimit'];
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
  const detail = str(args.file_path) ?? str(args.path) ?? str(args.command) ?? str(args.pattern) ?? str(args.url) ?? str(args.description) ?? str(args.query) ?? '';
  return shorten(detail ? `${name} ${detail}` : name);
}

/** What the parser has learned so far; each dialect's events update it. */
interface ParseState {
  usage: AgentUsage;
  outcome: Omit<AgentOutcome, 'usage'>;
  /** The agent's last text (message or plain line): its answer when no result event names one. */
  lastText: string | null;
  /** The last line that was not a JSON event (a CLI's own error, e.g. "Not logged in"). */
  lastPlain: string | null;
  claudeResultUsage: boolean;
  geminiDelta: string;
}

type EventHandler = (s: ParseState, e: Json, type: string) => string | null;

const failedProgress = (s: ParseState): string => `failed: ${shorten(s.outcome.errorMessage ?? '')}`;

function fail(s: ParseState, message: string): void {
  s.outcome.isError = true;
  s.outcome.errorMessage = message;
  s.outcome.errorTexts.push(message);
}

// ---- Claude Code ----

function claudeContent(s: ParseState, message: Json): string | null {
  let progress: string | null = null;
  const content = Array.isArray(message.content) ? message.content : [];
  for (const block of content) {
    const b = obj(block);
    if (!b) continue;
    if (b.type === 'tool_use') {
      s.usage.toolCalls++;
      progress = describeTool(str(b.name) ?? 'tool', b.input);
    } else if (b.type === 'text' && str(b.text)?.trim()) {
      s.lastText = str(b.text);
      progress = shorten(s.lastText!);
    }
  }
  return progress;
}

function claudeResult(s: ParseState, e: Json): string {
  const u = obj(e.usage) ?? {};
  s.usage.inputTokens = num(u.input_tokens);
  s.usage.outputTokens = num(u.output_tokens);
  s.usage.cacheReadTokens = num(u.cache_read_input_tokens);
  s.usage.cacheWriteTokens = num(u.cache_creation_input_tokens);
  s.claudeResultUsage = true;
  if (typeof e.total_cost_usd === 'number') s.usage.costUsd = e.total_cost_usd;
  if (typeof e.num_turns === 'number') s.usage.turns = e.num_turns;
  s.outcome.result = str(e.result) ?? s.lastText;
  if (e.structured_output !== undefined) s.outcome.structured = e.structured_output;
  s.outcome.sessionId = str(e.session_id) ?? s.outcome.sessionId;
  // The result text of an error result is the agent's own account of what went wrong ("Not logged in").
  if (e.is_error === true || (typeof e.subtype === 'string' && e.subtype !== 'success')) fail(s, str(e.result) || (str(e.subtype) ?? 'error'));
  return s.outcome.isError ? failedProgress(s) : 'finished';
}

const claude: Record<string, EventHandler> = {
  system: (s, e) => {
    s.outcome.sessionId = str(e.session_id) ?? s.outcome.sessionId;
    s.outcome.model = str(e.model) ?? s.outcome.model;
    return e.subtype === 'init' ? 'started' : null;
  },
  assistant: (s, e) => {
    const message = obj(e.message);
    if (!message) return null;
    s.usage.turns++;
    return claudeContent(s, message);
  },
  rate_limit_event: (s, e) => {
    // Claude Code reports its subscription window on every turn; `rejected` ends the session.
    const info = obj(e.rate_limit_info) ?? {};
    const status = str(info.status) ?? 'allowed';
    const resetsAt = typeof info.resetsAt === 'number' ? (info.resetsAt < 1e12 ? info.resetsAt * 1000 : info.resetsAt) : null;
    const window = str(info.rateLimitType);
    s.outcome.rateLimit = { status, resetsAtMs: resetsAt, type: window };
    if (status === 'allowed') return null;
    const when = resetsAt !== null ? ` (resets ${new Date(resetsAt).toISOString()})` : '';
    return status === 'rejected' ? `usage limit reached${when}` : `warning: nearing the usage limit${window ? ` (${window})` : ''}${when}`;
  },
  user: () => null,
};

// ---- Codex ----

function codexItem(s: ParseState, e: Json, type: string): string | null {
  const item = obj(e.item);
  if (!item) return null;
  switch (item.type) {
    case 'command_execution':
      if (type === 'item.started') s.usage.toolCalls++;
      return type === 'item.started' ? shorten(`Bash ${str(item.command) ?? ''}`) : null;
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? item.changes.map((c) => str(obj(c)?.path)).filter(Boolean) : [];
      if (type === 'item.completed') s.usage.toolCalls++;
      return shorten(`Edit ${changes.join(', ')}`);
    }
    case 'mcp_tool_call':
      if (type === 'item.started') s.usage.toolCalls++;
      return shorten(`${str(item.server) ?? 'mcp'}.${str(item.tool) ?? 'tool'}`);
    case 'agent_message':
      if (type !== 'item.completed' || !str(item.text)) return null;
      s.lastText = str(item.text);
      s.outcome.result = s.lastText;
      return shorten(s.lastText!);
    default:
      return null;
  }
}

const codex: Record<string, EventHandler> = {
  'thread.started': (s, e) => {
    s.outcome.sessionId = str(e.thread_id) ?? s.outcome.sessionId;
    return 'started';
  },
  'turn.started': (s) => {
    s.usage.turns++;
    return null;
  },
  'turn.completed': (s, e) => {
    const u = obj(e.usage) ?? {};
    s.usage.inputTokens += num(u.input_tokens);
    s.usage.outputTokens += num(u.output_tokens);
    s.usage.cacheReadTokens += num(u.cached_input_tokens);
    s.outcome.result = s.lastText;
    return null;
  },
  'turn.failed': (s, e) => {
    fail(s, str(obj(e.error)?.message) ?? 'turn failed');
    return failedProgress(s);
  },
  'item.started': codexItem,
  'item.updated': codexItem,
  'item.completed': codexItem,
  error: (s, e) => {
    // Often transient (Codex: "Reconnecting... 2/5"); failure is decided by turn.failed, a result
    // with is_error / status error, or the exit code. Kept as the message if the agent fails.
    s.outcome.errorMessage = str(e.message) ?? str(obj(e.error)?.message) ?? 'error';
    s.outcome.errorTexts.push(s.outcome.errorMessage);
    return `error: ${shorten(s.outcome.errorMessage)}`;
  },
};

// ---- Gemini ----

function geminiResult(s: ParseState, e: Json): string {
  const stats = obj(e.stats) ?? {};
  s.usage.inputTokens = num(stats.input_tokens);
  s.usage.outputTokens = num(stats.output_tokens);
  s.usage.cacheReadTokens = num(stats.cached);
  s.usage.toolCalls = Math.max(s.usage.toolCalls, num(stats.tool_calls));
  if (e.status === 'error') fail(s, str(obj(e.error)?.message) ?? 'the agent reported an error');
  if (s.geminiDelta) s.lastText = s.geminiDelta;
  s.outcome.result = s.lastText;
  return s.outcome.isError ? failedProgress(s) : 'finished';
}

const gemini: Record<string, EventHandler> = {
  init: (s, e) => {
    s.outcome.sessionId = str(e.session_id) ?? s.outcome.sessionId;
    s.outcome.model = str(e.model) ?? s.outcome.model;
    return 'started';
  },
  message: (s, e) => {
    if (e.role !== 'assistant') return null;
    const content = str(e.content) ?? '';
    s.geminiDelta = e.delta === true ? s.geminiDelta + content : content;
    s.lastText = s.geminiDelta;
    return shorten(
      s.geminiDelta
        .split('\n')
        .filter((l) => l.trim())
        .pop() ?? '',
    );
  },
  tool_use: (s, e) => {
    s.usage.toolCalls++;
    s.geminiDelta = '';
    s.usage.turns++;
    return describeTool(str(e.tool_name) ?? 'tool', e.parameters);
  },
  tool_result: () => null,
};

/** Event type -> handler, over the three dialects; `result` is told apart by its fields (Gemini has stats/status). */
const handlers: Record<string, EventHandler> = {
  ...claude,
  ...codex,
  ...gemini,
  result: (s, e) => (e.stats !== undefined || e.status !== undefined ? geminiResult(s, e) : claudeResult(s, e)),
};

function parseEvent(line: string): Json | null {
  const t = line.trim();
  if (!t.startsWith('{')) return null;
  try {
    return obj(JSON.parse(t));
  } catch {
    return null;
  }
}

export function createOutputParser(format: 'stream-json' | 'text'): OutputParser {
  const s: ParseState = {
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null, turns: 0, toolCalls: 0 },
    outcome: { result: null, structured: undefined, isError: false, errorMessage: null, sessionId: null, model: null, rateLimit: null, errorTexts: [] },
    lastText: null,
    lastPlain: null,
    claudeResultUsage: false,
    geminiDelta: '',
  };
  const textLines: string[] = [];
  return {
    line(line) {
      const plain = line.trim();
      if (format === 'text') {
        // A plain-text agent's answer is everything it printed (a plan is many lines), not its last line.
        textLines.push(line);
        if (!plain) return null;
        s.lastText = plain;
        return shorten(plain);
      }
      const e = parseEvent(line);
      if (!e) {
        if (plain) s.lastPlain = plain;
        return null;
      }
      const type = str(e.type);
      const handler = type ? handlers[type] : undefined;
      return handler ? handler(s, e, type!) : null;
    },
    rateLimit() {
      return s.outcome.rateLimit;
    },
    outcome() {
      if (format === 'text' && s.outcome.result === null && s.lastText !== null) s.outcome.result = textLines.join('\n').trim();
      if (s.outcome.result === null && s.lastText !== null) s.outcome.result = s.lastText;
      if (!s.claudeResultUsage && s.usage.turns === 0 && s.outcome.result !== null) s.usage.turns = 1;
      return { ...s.outcome, errorTexts: [...s.outcome.errorTexts], usage: { ...s.usage }, lastPlainLine: s.lastPlain };
    },
  };
}
