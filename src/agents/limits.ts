/**
 * Telling an agent's limit from its failure. A subscription's usage window ("usage-limit": nothing helps
 * but waiting for its reset) and an API rate limit ("rate-limit": a short backoff helps) end an agent's
 * attempt without saying anything about the task, so the runner re-queues such attempts instead of
 * counting them as failures. Which messages mean which is profile data (`limits:` in a profile, with
 * built-ins for Claude Code, Codex and Gemini CLI); reset times are read from the messages themselves.
 * Pure: the clock is passed in.
 */

export type LimitKind = 'usage-limit' | 'rate-limit';

export interface LimitSignal {
  kind: LimitKind;
  /** When the limit lifts (epoch ms), when the message says so. */
  resetAtMs: number | null;
  /** The message that matched, cut to one line. */
  message: string;
}

/** Regular expressions (source text, matched case-insensitively) per kind. */
export interface LimitPatterns {
  usage: string[];
  rate: string[];
}

/** Messages every CLI shares: HTTP 429 and overload wording. */
const commonRate = ['\\b429\\b', 'rate[_ ]limit(_error|ed| exceeded)', 'too many requests', '\\boverloaded(_error)?\\b', '\\b529\\b', 'RESOURCE_EXHAUSTED', 'rateLimitExceeded'];

export const builtinLimitPatterns: Readonly<Record<string, LimitPatterns>> = {
  // "Claude AI usage limit reached|1755615600" (the epoch suffix), "Claude usage limit reached. Your limit
  // will reset at 5pm (Europe/Warsaw).", "You've hit your limit · resets 2pm (Asia/Shanghai)",
  // "5-hour limit reached ∙ resets 3pm"; API errors "API Error: 429 {...rate_limit_error...}", "529 overloaded_error".
  claude: {
    usage: ['usage limit reached', "you've hit your (usage )?limit", '\\b(5-hour|weekly|opus) limit reached', 'out of extra usage'],
    rate: commonRate,
  },
  // "You've hit your usage limit. Upgrade to Pro (...) or try again in 2 days 17 hours 14 minutes.",
  // "... or try again at Jul 5th, 2026 8:19 PM."; "exceeded retry limit, last status: 429 Too Many Requests".
  codex: {
    usage: ["you've hit your usage limit", 'usage_limit_reached', 'usage limit has been reached'],
    rate: commonRate,
  },
  // "You have exhausted your capacity on this model. Your quota will reset after 2h3m.",
  // "You have reached your daily gemini-2.5-pro quota limit", TerminalQuotaError (QUOTA_EXHAUSTED);
  // per-minute quota: "[API Error: ... 429 ... Resource has been exhausted (e.g. check quota). ... RESOURCE_EXHAUSTED]".
  gemini: {
    usage: ['exhausted your capacity on this model', 'reached your daily .* quota limit', 'TerminalQuotaError', 'QUOTA_EXHAUSTED', 'quota will reset after'],
    rate: commonRate,
  },
};

/** Profiles not built in: only the shared API wording. */
export const defaultLimitPatterns: LimitPatterns = { usage: ['usage limit reached'], rate: commonRate };

const compile = (sources: readonly string[]): RegExp[] => sources.map((s) => new RegExp(s, 'i'));

/** Checks that every pattern compiles; returns the first problem. */
export function limitPatternProblem(patterns: LimitPatterns): string | null {
  for (const s of [...patterns.usage, ...patterns.rate]) {
    try {
      new RegExp(s, 'i');
    } catch (error) {
      return `invalid limit pattern /${s}/: ${(error as Error).message}`;
    }
  }
  return null;
}

const one = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
};

/** Which limit (if any) these messages report: a usage limit wins over a rate limit. */
export function classifyLimit(messages: readonly string[], patterns: LimitPatterns, nowMs: number): LimitSignal | null {
  const usage = compile(patterns.usage);
  const rate = compile(patterns.rate);
  for (const [kind, res] of [
    ['usage-limit', usage],
    ['rate-limit', rate],
  ] as const) {
    for (const m of messages) {
      if (!res.some((r) => r.test(m))) continue;
      return { kind, resetAtMs: parseResetTime(m, nowMs), message: one(m) };
    }
  }
  return null;
}

const UNIT_MS: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  h: 3_600_000,
  hour: 3_600_000,
  hr: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
};

function durationMs(text: string): number | null {
  let total = 0;
  let found = false;
  // "2h3m" has no word boundary between its parts: a unit ends where letters end.
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])/gi)) {
    const raw = m[2]!.toLowerCase();
    const unit = raw.length > 1 ? raw.replace(/s$/, '') : raw;
    const ms = UNIT_MS[unit] ?? UNIT_MS[unit[0]!];
    if (ms === undefined) continue;
    total += Number(m[1]) * ms;
    found = true;
  }
  return found ? total : null;
}

/** "3pm", "3:15 PM", "15:00" as the next such local time after now. */
function clockTime(text: string, nowMs: number): number | null {
  const m = /\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b/i.exec(text);
  if (!m || (!m[2] && !m[3])) return null;
  let hour = Number(m[1]);
  const minute = m[2] ? Number(m[2]) : 0;
  if (m[3]) hour = (hour % 12) + (m[3].toLowerCase() === 'pm' ? 12 : 0);
  if (hour > 23 || minute > 59) return null;
  const at = new Date(nowMs);
  at.setHours(hour, minute, 0, 0);
  if (at.getTime() <= nowMs) at.setDate(at.getDate() + 1);
  return at.getTime();
}

/**
 * The reset time a message gives: the `|<epoch seconds>` suffix, "Retry-After: N", "try again in 2 days
 * 3 hours", "reset after 2h3m", "resets at 3pm" / "resets 2pm (zone)" / "try again at 8:19 PM" (local time:
 * the zone named is usually the user's own). Null when it gives none.
 */
export function parseResetTime(text: string, nowMs: number): number | null {
  const epoch = /\|\s*(\d{10,13})\b/.exec(text);
  if (epoch) return epoch[1]!.length === 13 ? Number(epoch[1]) : Number(epoch[1]) * 1000;
  const retryAfter = /retry[- ]after["':\s]+(\d+(?:\.\d+)?)\s*(s|ms)?\b/i.exec(text);
  if (retryAfter) return nowMs + Number(retryAfter[1]) * (retryAfter[2]?.toLowerCase() === 'ms' ? 1 : 1000);
  const inText = /(?:try again in|reset(?:s)? (?:after|in)|retry in|retrying in)\s+([^.,;)]+)/i.exec(text);
  if (inText) {
    const ms = durationMs(inText[1]!);
    if (ms !== null) return nowMs + ms;
  }
  const atText = /(?:resets?(?: at)?|try again at|reset at)\s+([^.;(]+)/i.exec(text);
  if (atText) {
    // "Jul 5th, 2026 8:19 PM": a full date when it names a year, else the next such time of day.
    const dated = /\b20\d\d\b/.test(atText[1]!) ? Date.parse(atText[1]!.replace(/(\d)(st|nd|rd|th)\b/g, '$1').trim()) : NaN;
    return Number.isFinite(dated) ? dated : clockTime(atText[1]!, nowMs);
  }
  return null;
}
