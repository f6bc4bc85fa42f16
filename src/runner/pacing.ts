/**
 * Pacing agents against the limits of the services behind them. Per limit pool (an agent profile):
 * - a usage limit suspends the pool until its reset time plus a margin (or a default wait when the
 *   agent gave no reset time): nothing of it starts meanwhile, and the runner wakes up by itself then;
 * - a rate limit backs the pool off exponentially with jitter (or for the Retry-After the agent gave) and
 *   halves how many of its agents run at once; each success grows that back by one, never above the
 *   run's concurrency, so a burst of agents settles instead of hammering the API.
 * Tasks outside any pool (commands) are never held. The clock is injected; no process, no output.
 */
import type { WaitReason } from '../core/task-status.js';

export interface PacingOptions {
  /** The run's --concurrency: a pool's limit never grows above it. */
  concurrency: number;
  /** Added to a usage limit's reset time (the reset is not exact to the second). */
  marginMs: number;
  /** How long a usage limit without a reset time holds the pool. */
  defaultUsageWaitMs: number;
  /** First rate-limit backoff (doubles per consecutive rate limit, capped at maxBackoffMs). */
  backoffBaseMs: number;
  maxBackoffMs: number;
  now: () => number;
  random?: () => number;
}

interface Pool {
  /** Usage limit: nothing starts before this (epoch ms). */
  suspendedUntil: number | null;
  /** Rate limit: nothing starts before this (epoch ms). */
  backoffUntil: number | null;
  /** How many of the pool's agents may run at once now. */
  limit: number;
  /** Rate limits since the last success. */
  strikes: number;
}

export interface LimitReport {
  /** When the pool may start again (epoch ms). */
  resumeAtMs: number;
  /** True for the first usage limit of a suspension (the run says so once). */
  newSuspension: boolean;
  concurrency: number;
}

export class Pacer {
  private pools = new Map<string, Pool>();

  constructor(private readonly options: PacingOptions) {}

  private pool(name: string): Pool {
    let p = this.pools.get(name);
    if (!p) this.pools.set(name, (p = { suspendedUntil: null, backoffUntil: null, limit: this.options.concurrency, strikes: 0 }));
    return p;
  }

  /** Why a task of `pool` may not start now, with `running` of its agents running; null: it may. */
  hold(pool: string | null, running: number): WaitReason | null {
    if (pool === null) return null;
    const p = this.pools.get(pool);
    if (!p) return null;
    const now = this.options.now();
    if (p.suspendedUntil !== null && now < p.suspendedUntil) return { kind: 'usage-limit', pool, until: new Date(p.suspendedUntil).toISOString() };
    if (p.backoffUntil !== null && now < p.backoffUntil) return { kind: 'rate-limit', pool, until: new Date(p.backoffUntil).toISOString(), concurrency: p.limit };
    if (running >= p.limit) return { kind: 'rate-limit', pool, until: null, concurrency: p.limit };
    return null;
  }

  /** Pools whose usage-limit suspension has lifted since the last call (the run says so once). */
  takeLifted(): string[] {
    const now = this.options.now();
    const lifted: string[] = [];
    for (const [name, p] of this.pools) {
      if (p.suspendedUntil === null || now < p.suspendedUntil) continue;
      p.suspendedUntil = null;
      lifted.push(name);
    }
    return lifted;
  }

  usageLimit(pool: string, resetAtMs: number | null): LimitReport {
    const p = this.pool(pool);
    const now = this.options.now();
    const newSuspension = p.suspendedUntil === null || now >= p.suspendedUntil;
    // A reset time in the past (clock skew, a stale message) still waits the margin.
    const until = Math.max(resetAtMs ?? now + this.options.defaultUsageWaitMs, now) + this.options.marginMs;
    p.suspendedUntil = Math.max(p.suspendedUntil ?? 0, until);
    return { resumeAtMs: p.suspendedUntil, newSuspension, concurrency: p.limit };
  }

  rateLimit(pool: string, retryAtMs: number | null, running: number): LimitReport {
    const p = this.pool(pool);
    const now = this.options.now();
    p.strikes++;
    // Halve what was running when the API said no (at least one keeps going).
    p.limit = Math.max(1, Math.floor(Math.min(p.limit, running + 1) / 2));
    const jitter = 0.5 + (this.options.random ?? Math.random)() * 0.5;
    const backoff = Math.min(this.options.maxBackoffMs, this.options.backoffBaseMs * 2 ** (p.strikes - 1)) * jitter;
    const until = retryAtMs !== null && retryAtMs > now ? retryAtMs : now + Math.round(backoff);
    p.backoffUntil = Math.max(p.backoffUntil ?? 0, until);
    return { resumeAtMs: p.backoffUntil, newSuspension: false, concurrency: p.limit };
  }

  success(pool: string | null): void {
    if (pool === null) return;
    const p = this.pools.get(pool);
    if (!p) return;
    p.strikes = 0;
    p.limit = Math.min(this.options.concurrency, p.limit + 1);
  }

  /** The next time a held pool may start again (epoch ms), or null when none waits for the clock. */
  nextWakeMs(): number | null {
    const now = this.options.now();
    let next: number | null = null;
    for (const p of this.pools.values()) {
      for (const t of [p.suspendedUntil, p.backoffUntil]) if (t !== null && t > now && (next === null || t < next)) next = t;
    }
    return next;
  }

  /** Pools suspended by a usage limit now, with their resume time. */
  suspended(): Array<{ pool: string; untilMs: number }> {
    const now = this.options.now();
    return [...this.pools].filter(([, p]) => p.suspendedUntil !== null && p.suspendedUntil > now).map(([pool, p]) => ({ pool, untilMs: p.suspendedUntil! }));
  }
}
