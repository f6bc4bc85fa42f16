import t from 'tap';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { builtinLimitPatterns, classifyLimit, parseResetTime } from '../src/agents/limits.js';
import { createOutputParser } from '../src/agents/output.js';
import { resolveProfiles } from '../src/agents/profiles.js';
import { parseBytes } from '../src/core/bytes.js';
import { capacityProblem, readCapacity } from '../src/runner/capacity.js';
import { Pacer } from '../src/runner/pacing.js';

const fixtures = path.join(import.meta.dirname, 'fixtures/agents/limits');

interface MessageFixture {
  profile: string;
  source: string;
  text: string;
  kind: 'usage-limit' | 'rate-limit' | null;
  resetAtMs?: number | null;
  resetInMs?: number;
  resetLocal?: string;
  resetDate?: string;
}

t.test('the real limit messages of claude, codex and gemini are told apart from failures', async (t) => {
  const messages = JSON.parse(readFileSync(path.join(fixtures, 'messages.json'), 'utf8')) as MessageFixture[];
  const now = new Date(2026, 0, 10, 9, 30).getTime();
  for (const m of messages) {
    const signal = classifyLimit([m.text], builtinLimitPatterns[m.profile]!, now);
    t.equal(signal?.kind ?? null, m.kind, `${m.profile}: ${m.source}`);
    if (!signal) continue;
    if (m.resetAtMs !== undefined) t.equal(signal.resetAtMs, m.resetAtMs, `${m.source}: reset time`);
    if (m.resetInMs !== undefined) t.equal(signal.resetAtMs, now + m.resetInMs, `${m.source}: reset in`);
    if (m.resetDate !== undefined) t.equal(signal.resetAtMs, new Date(m.resetDate).getTime(), `${m.source}: reset date`);
    if (m.resetLocal !== undefined) {
      const at = new Date(signal.resetAtMs!);
      t.equal(`${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`, m.resetLocal, `${m.source}: local reset time`);
      t.ok(signal.resetAtMs! > now, `${m.source}: the next such time`);
    }
  }
});

t.test('reset times: Retry-After, durations, past clock times roll to tomorrow', async (t) => {
  const now = new Date(2026, 0, 10, 16, 0).getTime();
  t.equal(parseResetTime('429 Too Many Requests; Retry-After: 30', now), now + 30_000);
  t.equal(parseResetTime('rate limited, retry in 45s', now), now + 45_000);
  t.equal(new Date(parseResetTime('resets at 3pm', now)!).getDate(), 11, '3pm has passed at 16:00: tomorrow');
  t.equal(parseResetTime('limit reached', now), null);
});

t.test('profiles carry limit patterns; config replaces a list', async (t) => {
  const profiles = resolveProfiles({ claude: { limits: { usage: ['quota gone'] } }, mine: { command: ['mine'] } });
  t.same(profiles.claude!.limits.usage, ['quota gone']);
  t.same(profiles.claude!.limits.rate, builtinLimitPatterns.claude!.rate, 'the list not given stays built in');
  t.equal(classifyLimit(['quota gone until tomorrow'], profiles.claude!.limits, 0)?.kind, 'usage-limit');
  t.equal(classifyLimit(['Error: 429 Too Many Requests'], profiles.mine!.limits, 0)?.kind, 'rate-limit', 'other profiles know HTTP 429');
});

t.test("claude's stream-json rate_limit_event: rejected carries the reset, allowed_warning is a warning", async (t) => {
  const parse = (file: string) => {
    const parser = createOutputParser('stream-json');
    const progress = readFileSync(path.join(fixtures, file), 'utf8')
      .split('\n')
      .map((l) => parser.line(l))
      .filter(Boolean);
    return { progress, outcome: parser.outcome() };
  };
  const rejected = parse('claude-rejected.jsonl');
  t.same(rejected.outcome.rateLimit, { status: 'rejected', resetsAtMs: 1778565600_000, type: 'five_hour' });
  t.ok(
    rejected.progress.some((p) => p!.startsWith('usage limit reached (resets 2026-05-12T06:00:00.000Z)')),
    String(rejected.progress),
  );
  t.equal(rejected.outcome.isError, true);
  const warning = parse('claude-warning.jsonl');
  t.equal(warning.outcome.rateLimit?.status, 'allowed_warning');
  t.ok(
    warning.progress.some((p) => p!.startsWith('warning: nearing the usage limit (seven_day)')),
    String(warning.progress),
  );
  t.equal(warning.outcome.isError, false);
});

t.test('pacer: a usage limit holds the pool until reset + margin; 429s halve its concurrency, successes grow it back to --concurrency', async (t) => {
  let now = 1_000_000;
  const pacer = new Pacer({ concurrency: 6, marginMs: 100, defaultUsageWaitMs: 5000, backoffBaseMs: 1000, maxBackoffMs: 60_000, now: () => now, random: () => 1 });
  t.equal(pacer.hold('claude', 5), null, 'no limit yet');
  const first = pacer.usageLimit('claude', now + 2000);
  t.equal(first.newSuspension, true);
  t.equal(first.resumeAtMs, now + 2100);
  t.equal(pacer.usageLimit('claude', now + 1000).newSuspension, false, 'a second agent at the same limit: said once');
  t.equal(pacer.hold('claude', 0)?.kind, 'usage-limit');
  t.equal(pacer.hold(null, 0), null, 'tasks outside any pool (commands) are never held');
  t.equal(pacer.hold('codex', 0), null, 'another profile is not held');
  now += 2100;
  t.same(pacer.takeLifted(), ['claude']);
  t.equal(pacer.hold('claude', 0), null);
  const r = pacer.rateLimit('claude', null, 6);
  t.equal(r.concurrency, 3, 'halved');
  t.equal(r.resumeAtMs, now + 1000, 'backoff base (jitter at its top)');
  t.equal(pacer.rateLimit('claude', null, 3).resumeAtMs, now + 2000, 'doubles per consecutive rate limit');
  now += 2000;
  t.same(pacer.hold('claude', 1), { kind: 'rate-limit', pool: 'claude', until: null, concurrency: 1 }, 'at most one at once after two halvings');
  for (let i = 0; i < 10; i++) pacer.success('claude');
  t.equal(pacer.hold('claude', 5), null, 'grown back');
  t.equal(pacer.hold('claude', 6)?.kind, 'rate-limit', 'never above --concurrency');
  t.equal(pacer.rateLimit('claude', now + 30_000, 1).resumeAtMs, now + 30_000, 'Retry-After wins');
});

t.test('capacity: sizes, and what is short', async (t) => {
  t.equal(parseBytes('2GiB'), 2 * 1024 ** 3);
  t.equal(parseBytes('512 MiB'), 512 * 1024 ** 2);
  t.equal(parseBytes('lots'), null);
  t.equal(capacityProblem({ loadPerCore: 0.5, freeBytes: 1.2 * 1024 ** 3 }, { maxLoad: 0.9, minFreeBytes: 2 * 1024 ** 3 }), 'memory 1.2 GiB free < 2 GiB');
  t.equal(capacityProblem({ loadPerCore: 1.5, freeBytes: 8 * 1024 ** 3 }, { maxLoad: 0.9, minFreeBytes: 2 * 1024 ** 3 }), 'load 1.50 per core > 0.9');
  t.equal(capacityProblem({ loadPerCore: 1.5, freeBytes: 0 }, { maxLoad: null, minFreeBytes: null }), null, 'off by default');
  const reading = readCapacity({});
  t.ok(reading.freeBytes > 0 && reading.loadPerCore >= 0, 'the real machine can be read');
});
