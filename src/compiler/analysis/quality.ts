/**
 * Quality metrics of the plan as written: are titles verb-first, does every task say what in the spec it
 * rests on, do two tasks look like the same work (not mutually exclusive, so one of them is redundant or
 * the split is unclear), and is the graph neither a pile of unrelated tasks nor everything-depends-on-
 * everything (edge density inside 0.05..0.5). Near-duplicates are found through rare shared words, so the
 * cost stays close to linear in the plan's size.
 */
import type { AnalysisGraph } from '../compiled.js';
import type { PlanModel, TaskModel } from '../model.js';
import { startsWithVerb } from '../verbs.js';
import { sortTexts } from '../sort-lists.js';

export interface MeceSuspect {
  a: string;
  b: string;
  /** near_duplicate_text (title + description similarity) or identical_files. */
  reason: 'near_duplicate_text' | 'identical_files';
  /** Jaccard similarity of the words, 1 for identical files. */
  similarity: number;
}

export interface QualityMetrics {
  /** Share of tasks (written in the plan) whose title starts with a verb, 0..1. */
  verbFirstPct: number;
  /** Share of tasks with evidence, 0..1. */
  evidenceCoveragePct: number;
  /** Share of full-form dependencies (deps:) with evidence, 0..1; 1 without any. */
  dependencyEvidenceCoveragePct: number;
  /** Number of suspect pairs (the list is capped at meceListLimit). */
  meceOverlapSuspects: number;
  meceOverlaps: MeceSuspect[];
  edgeDensityBand: { min: number; max: number; within: boolean };
}

export const edgeDensityMin = 0.05;
export const edgeDensityMax = 0.5;
/** Word-set similarity from which two tasks count as near-duplicates. */
export const nearDuplicateSimilarity = 0.8;
/** Words shared by more tasks than this do not propose candidate pairs (they are too common to tell). */
export const commonWordTasks = 25;
export const meceListLimit = 50;

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

function words(task: TaskModel): string[] {
  return sortTexts([
    ...new Set(
      `${task.title} ${task.description}`
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 0),
    ),
  ]);
}

function jaccard(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  const union = a.length + b.length - common;
  return union === 0 ? 0 : common / union;
}

export function qualityMetrics(model: PlanModel, graph: AnalysisGraph): QualityMetrics {
  // Tasks execplan generated (X.tests) follow their own naming; the metrics are about what was written.
  const tasks = model.tasks.filter((t) => t.generatedFor === null);
  const n = tasks.length;
  const verbFirst = tasks.filter((t) => startsWithVerb(t.title)).length;
  const evidenced = tasks.filter((t) => t.evidence.length > 0).length;
  const generated = new Set(model.tasks.filter((t) => t.generatedFor !== null).map((t) => t.id));
  const fullDeps = model.edges.filter((e) => e.origin === 'deps' && !generated.has(e.from) && !generated.has(e.to));
  const fullDepsEvidenced = fullDeps.filter((e) => e.evidence.length > 0).length;
  const all = meceSuspects(model, tasks);
  const density = graph.metrics.edgeDensity;
  return {
    verbFirstPct: n > 0 ? r4(verbFirst / n) : 1,
    evidenceCoveragePct: n > 0 ? r4(evidenced / n) : 1,
    dependencyEvidenceCoveragePct: fullDeps.length > 0 ? r4(fullDepsEvidenced / fullDeps.length) : 1,
    meceOverlapSuspects: all.length,
    meceOverlaps: all.slice(0, meceListLimit),
    edgeDensityBand: { min: edgeDensityMin, max: edgeDensityMax, within: density >= edgeDensityMin && density <= edgeDensityMax },
  };
}

/** Records a suspect pair once: the first reason found for a pair is the one kept. */
type AddSuspect = (x: TaskModel, y: TaskModel, reason: MeceSuspect['reason'], similarity: number) => void;

/** Every suspect pair among the written tasks, in plan order (uncapped). */
function meceSuspects(model: PlanModel, tasks: readonly TaskModel[]): MeceSuspect[] {
  const suspects = new Map<string, MeceSuspect>();
  const add: AddSuspect = (x, y, reason, similarity) => {
    const [a, b] = x.index < y.index ? [x, y] : [y, x];
    const key = `${a.index},${b.index}`;
    if (!suspects.has(key)) suspects.set(key, { a: a.id, b: b.id, reason, similarity: r4(similarity) });
  };
  identicalFileSets(tasks, add);
  nearDuplicateTexts(tasks, add);
  const position = new Map(model.tasks.map((t) => [t.id, t.index]));
  return [...suspects.values()].sort((p, q) => position.get(p.a)! - position.get(q.a)! || position.get(p.b)! - position.get(q.b)!);
}

/** Identical, non-empty file sets: two tasks claiming exactly the same files. */
function identicalFileSets(tasks: readonly TaskModel[], add: AddSuspect): void {
  const byFiles = new Map<string, TaskModel[]>();
  for (const t of tasks) {
    if (t.files.length === 0) continue;
    const key = sortTexts([...new Set(t.files)]).join('\n');
    const list = byFiles.get(key) ?? [];
    list.push(t);
    byFiles.set(key, list);
  }
  for (const group of byFiles.values()) for (let k = 1; k < group.length && k <= meceListLimit; k++) add(group[0]!, group[k]!, 'identical_files', 1);
}

/** Near-duplicate text: candidates share a rare word; identical word sets always meet (one bucket). */
function nearDuplicateTexts(tasks: readonly TaskModel[], add: AddSuspect): void {
  const wordsOf = tasks.map(words);
  const byWord = new Map<string, number[]>();
  const byText = new Map<string, number[]>();
  wordsOf.forEach((ws, i) => {
    for (const w of ws) {
      const list = byWord.get(w) ?? [];
      list.push(i);
      byWord.set(w, list);
    }
    const key = ws.join(' ');
    const list = byText.get(key) ?? [];
    list.push(i);
    byText.set(key, list);
  });
  for (const group of byText.values())
    for (let k = 1; k < group.length && k <= meceListLimit; k++) if (wordsOf[group[0]!]!.length > 0) add(tasks[group[0]!]!, tasks[group[k]!]!, 'near_duplicate_text', 1);
  const compared = new Set<string>();
  for (const list of byWord.values()) {
    if (list.length < 2 || list.length > commonWordTasks) continue;
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const key = `${list[x]},${list[y]}`;
        if (compared.has(key)) continue;
        compared.add(key);
        const similarity = jaccard(wordsOf[list[x]!]!, wordsOf[list[y]!]!);
        if (similarity >= nearDuplicateSimilarity) add(tasks[list[x]!]!, tasks[list[y]!]!, 'near_duplicate_text', similarity);
      }
    }
  }
}
