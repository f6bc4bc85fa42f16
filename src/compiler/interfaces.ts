/**
 * Interfaces between tasks (`produces: [AuthAPI:v2]`, `consumes: [AuthAPI:v2]`) and the evidence a task
 * or dependency rests on. A consumer cannot start before the interface exists, so it gets an inferred
 * technical dependency on every task that produces it: confidence 0.9 (the plan said what is used, not
 * that the order matters), so it is scheduled at the default min_confidence and reported as inferred.
 */
import type { Evidence, Plan } from '../types/plan.js';
import type { EvidenceItem } from './model.js';

export const inferredConfidence = 0.9;

export interface InferredEdge {
  /** Plan indexes: the producer (must finish first) and the consumer. */
  from: number;
  to: number;
  interface: string;
  /** Where the consumer names it: tasks[to].consumes[position]. */
  position: number;
}

/** Producers of each interface (plan indexes, ascending). */
export function producersOf(plan: Plan): Map<string, number[]> {
  const out = new Map<string, number[]>();
  plan.tasks.forEach((task, i) => {
    if (!task.produces?.length) return;
    for (const name of new Set(task.produces)) {
      const list = out.get(name) ?? [];
      list.push(i);
      out.set(name, list);
    }
  });
  return out;
}

/**
 * One dependency per (producer, consumer) pair, from the first interface that ties them, unless the
 * consumer already depends on the producer explicitly (the plan's own edge wins: its type, confidence
 * and evidence say more). A task consuming what it produces itself gets nothing.
 */
export function inferredEdges(plan: Plan): InferredEdge[] {
  const producers = producersOf(plan);
  const out: InferredEdge[] = [];
  plan.tasks.forEach((task, to) => {
    // Most tasks consume nothing: no set of their declared dependencies is built for them.
    if (!task.consumes?.length) return;
    const declared = new Set([...(task.needs ?? []), ...(task.deps ?? []).map((d) => d.task)]);
    const seen = new Set<number>();
    (task.consumes ?? []).forEach((name, position) => {
      for (const from of producers.get(name) ?? []) {
        if (from === to || seen.has(from) || declared.has(plan.tasks[from]!.id)) continue;
        seen.add(from);
        out.push({ from, to, interface: name, position });
      }
    });
  });
  return out;
}

export function inferredReason(name: string): string {
  return `consumes ${name}`;
}

/** A string is kept as written (a quote or a section reference); a list keeps each quote with its place. */
export function normalizeEvidence(evidence: Evidence | undefined): EvidenceItem[] {
  if (evidence === undefined) return [];
  if (typeof evidence === 'string') return [{ quote: evidence, section: null, line: null }];
  return evidence.map((e) => ({ quote: e.quote, section: e.section ?? null, line: e.line ?? null }));
}
