/**
 * An independent checker of compiled schedules, written from the contract (docs/scheduling.md) and not from the
 * scheduler's code: precedence, phase barriers, resource capacities, the concurrency limit and file
 * conflicts must hold at every instant; every task is scheduled once with its duration.
 */
import type { CompiledPlan } from '../../src/compiler/compiled.js';

const eps = 1e-6;

/** Pairs of task ids that must never overlap in time (beyond what the compiler reports, if given). */
export type Exclusions = Array<[string, string]>;

export function checkFrontier(compiled: CompiledPlan, extraExclusions: Exclusions = []): string[] {
  const problems: string[] = [];
  const { model, frontier } = compiled;
  const at = new Map(frontier.schedule.map((s) => [s.task, s]));
  if (frontier.schedule.length !== model.tasks.length || at.size !== model.tasks.length) problems.push('not every task scheduled exactly once');
  for (const t of model.tasks) {
    const s = at.get(t.id);
    if (!s) continue;
    if (s.start < -eps) problems.push(`${t.id} starts before 0`);
    if (Math.abs(s.finish - s.start - t.hours) > eps) problems.push(`${t.id} lasts ${s.finish - s.start}, not ${t.hours}`);
    if (s.finish > frontier.makespanHours + eps) problems.push(`${t.id} ends after the makespan`);
  }
  for (const e of model.edges) {
    if (!(e.hard && e.confidence >= model.settings.minConfidence)) continue;
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (a && b && a.finish > b.start + eps) problems.push(`precedence ${e.from} -> ${e.to}: ${a.finish} > ${b.start}`);
  }
  // Phases: every task of an earlier phase ends before any task of a later phase starts.
  const phaseSpan = new Map<number, { first: number; last: number }>();
  for (const t of model.tasks) {
    if (t.phaseIndex < 0) continue;
    const s = at.get(t.id)!;
    const span = phaseSpan.get(t.phaseIndex) ?? { first: Infinity, last: -Infinity };
    span.first = Math.min(span.first, s.start);
    span.last = Math.max(span.last, s.finish);
    phaseSpan.set(t.phaseIndex, span);
  }
  for (const [p, a] of phaseSpan)
    for (const [q, b] of phaseSpan) {
      if (p < q && a.last > b.first + eps) problems.push(`phase ${model.phases[p]!.id} ends at ${a.last} after phase ${model.phases[q]!.id} starts at ${b.first}`);
    }
  // Capacities at every instant: check at every start time (usage only rises at starts).
  const busy = model.tasks.filter((t) => t.hours > 0).map((t) => ({ t, s: at.get(t.id)! }));
  const runningAt = (x: number) => busy.filter(({ s }) => s.start <= x + eps && s.finish > x + eps);
  for (const { s } of busy) {
    const running = runningAt(s.start);
    if (running.length > model.settings.maxConcurrency) problems.push(`${running.length} tasks running at ${s.start} > max_concurrency ${model.settings.maxConcurrency}`);
    for (const r of model.resources) {
      const used = running.reduce((sum, { t }) => sum + (t.resources[r.name] ?? 0), 0);
      if (used > r.capacity) problems.push(`resource ${r.name}: ${used} > ${r.capacity} at ${s.start}`);
    }
  }
  const exclusions: Exclusions = [...enforcedPairs(compiled), ...extraExclusions];
  for (const [x, y] of exclusions) {
    const a = at.get(x)!;
    const b = at.get(y)!;
    const overlap = Math.min(a.finish, b.finish) - Math.max(a.start, b.start);
    if (overlap > eps) problems.push(`${x} and ${y} share files but overlap in time`);
  }
  return problems;
}

export function checkWaves(compiled: CompiledPlan, extraExclusions: Exclusions = []): string[] {
  const problems: string[] = [];
  const { model, waves } = compiled;
  const waveOf = new Map<string, number>();
  for (const w of waves.waves)
    for (const id of w.tasks) {
      if (waveOf.has(id)) problems.push(`${id} in two waves`);
      waveOf.set(id, w.waveNumber);
    }
  if (waveOf.size !== model.tasks.length) problems.push('not every task is in a wave');
  const byId = new Map(model.tasks.map((t) => [t.id, t]));
  for (const e of model.edges) {
    if (!(e.hard && e.confidence >= model.settings.minConfidence)) continue;
    if (waveOf.get(e.from)! >= waveOf.get(e.to)!) problems.push(`precedence ${e.from} -> ${e.to} not across waves`);
  }
  for (const a of model.tasks)
    for (const b of model.tasks) {
      if (a.phaseIndex >= 0 && b.phaseIndex > a.phaseIndex && waveOf.get(a.id)! >= waveOf.get(b.id)!) problems.push(`phase order ${a.id} / ${b.id}`);
    }
  const excluded = new Set([...enforcedPairs(compiled), ...extraExclusions].map(([x, y]) => `${x}\u0000${y}`));
  for (const w of waves.waves) {
    if (w.tasks.length > Math.min(model.settings.maxWaveSize, model.settings.maxConcurrency)) problems.push(`wave ${w.waveNumber} too big`);
    for (const r of model.resources) {
      const used = w.tasks.reduce((sum, id) => sum + (byId.get(id)!.resources[r.name] ?? 0), 0);
      if (used > r.capacity) problems.push(`wave ${w.waveNumber}: resource ${r.name} ${used} > ${r.capacity}`);
    }
    for (const x of w.tasks) for (const y of w.tasks) if (excluded.has(`${x}\u0000${y}`)) problems.push(`wave ${w.waveNumber}: ${x} and ${y} share files`);
    // Every recorded deferral tells the truth about the wave the task was pushed out of.
    for (const d of w.deferred) {
      const task = byId.get(d.task)!;
      if (waveOf.get(d.task)! <= w.waveNumber) problems.push(`wave ${w.waveNumber}: ${d.task} deferred but placed at or before it`);
      if ((d.reason === 'size' || d.reason === 'concurrency') && w.tasks.length < waves.waveCapacity)
        problems.push(`wave ${w.waveNumber}: ${d.task} deferred for ${d.reason} but the wave has room`);
      if (d.reason === 'resource') {
        const cap = model.resources.find((r) => r.name === d.resource)!.capacity;
        if ((w.resourceUsage[d.resource!] ?? 0) + (task.resources[d.resource!] ?? 0) <= cap)
          problems.push(`wave ${w.waveNumber}: ${d.task} deferred for ${d.resource} that had room`);
      }
      if (d.reason === 'files' && !(d.conflictsWith ?? []).every((c) => w.tasks.includes(c)))
        problems.push(`wave ${w.waveNumber}: ${d.task} deferred for files of tasks not in the wave`);
    }
    const slowest = Math.max(...w.tasks.map((id) => byId.get(id)!.hours));
    if (w.estimates.p50Hours + eps < slowest) problems.push(`wave ${w.waveNumber} p50 ${w.estimates.p50Hours} < slowest task ${slowest}`);
    if (!(w.estimates.p50Hours <= w.estimates.p80Hours + eps && w.estimates.p80Hours <= w.estimates.p95Hours + eps)) problems.push(`wave ${w.waveNumber} estimates not ordered`);
  }
  return problems;
}

/** Glob -> RegExp, written independently of the compiler's automaton, for brute-force overlap checks. */
export function globRegExp(glob: string): RegExp {
  let p = glob.replace(/^\.\//, '');
  if (p.endsWith('/')) p += '**';
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (p.startsWith('**/', i) && (i === 0 || p[i - 1] === '/')) {
      out += '(?:.*/)?';
      i += 2;
    } else if (p.startsWith('**', i) && (i === 0 || p[i - 1] === '/') && i + 2 === p.length) {
      out += '.*';
      i += 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const close = p.indexOf('}', i);
      out += `(?:${p
        .slice(i + 1, close)
        .split(',')
        .map((s) => s.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('|')})`;
      i = close;
    } else if (c === '[') {
      const close = p.indexOf(']', i);
      out += `(?!/)[${p.slice(i + 1, close).replace(/^!/, '^')}]`;
      i = close;
    } else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * Every task pair the compiled conflicts keep apart, expanded from the listed patterns and overlaps (the
 * reviewer-facing data, not the schedulers' index): a task holding one side of an enforced overlap and a
 * different task holding the other. Quadratic on purpose; for test-sized plans only.
 */
export function enforcedPairs(compiled: CompiledPlan): Array<[string, string]> {
  const { patterns, overlaps } = compiled.conflicts;
  const order = new Map(compiled.model.tasks.map((t) => [t.id, t.index]));
  const pairs = new Map<string, [string, string]>();
  for (const o of overlaps) {
    if (!o.enforced) continue;
    for (const x of patterns[o.a]!.tasks)
      for (const y of patterns[o.b]!.tasks) {
        if (x === y) continue;
        const pair: [string, string] = order.get(x)! < order.get(y)! ? [x, y] : [y, x];
        pairs.set(pair.join('\u0000'), pair);
      }
  }
  return [...pairs.values()].sort((p, q) => order.get(p[0])! - order.get(q[0])! || order.get(p[1])! - order.get(q[1])!);
}
