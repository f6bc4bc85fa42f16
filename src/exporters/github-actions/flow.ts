/**
 * The `needs:` edges that keep a plan safe when every task is its own CI job and nobody schedules the
 * jobs but the CI engine (a job starts as soon as the jobs it needs have finished, however long they took).
 *
 * Three kinds of edge:
 * - precedence: every scheduled dependency, and every phase barrier (each task of a phase before each
 *   task of the next);
 * - files: two tasks whose files overlap (an enforced conflict) never run at once, so the one that starts
 *   later in the compiled schedule needs the other;
 * - resource flow: each resource (and the concurrency limit, a resource every task holds one unit of) is
 *   a pool of units. Walking the compiled rolling-frontier schedule in start order, a task takes its units
 *   from tasks that finished before it started (or from the initial pool) and hands them on when it ends.
 *   Each unit taken from a task becomes an edge from that task. Along the chain of tasks a unit travels,
 *   each task ends before the next starts, so at any instant a unit is held by at most one running task
 *   and no more than `capacity` units are in use, whatever the durations.
 *
 * All edges run forward in one processing order (scheduled start, then topological position), so the
 * union is acyclic; it is then transitively reduced. When the schedule leaves too few units free at a
 * task's start (a lower --concurrency than the schedule used, or zero-duration tasks that the schedule
 * lets overlap anything), the units are taken from the running tasks that finish first: one more edge,
 * never a broken limit.
 */
import type { CompiledPlan } from '../../compiler/compiled.js';
import { blockersOf } from '../../compiler/conflicts.js';

export interface HandoverPlan {
  /** Task ids in processing order: every edge goes from an earlier to a later task of this list. */
  order: string[];
  /** Per task: the tasks its job needs (transitively reduced), in processing order. */
  needs: Map<string, string[]>;
  /** Edges before reduction, by kind (precedence wins over files, files over flow, for an edge of two kinds). */
  edges: { precedence: number; files: number; flow: number };
  /** Edges left after the transitive reduction. */
  reducedEdges: number;
  /** Hand-overs the schedule could not supply from finished tasks (taken from the first to finish). */
  forced: number;
}

const EPS = 1e-9;

/** A growable bitset over processing positions. */
class Bits {
  readonly words: Uint32Array;
  constructor(n: number) {
    this.words = new Uint32Array((n + 31) >>> 5);
  }
  has(i: number): boolean {
    return (this.words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  add(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }
  or(other: Bits): void {
    for (let k = 0; k < this.words.length; k++) this.words[k]! |= other.words[k]!;
  }
}

/** Edge kinds of j -> i: 0 precedence, 1 files, 2 flow (the lowest wins). Per position, its predecessors. */
type Preds = Array<Map<number, number>>;
type AddEdge = (j: number, i: number, kind: number) => void;

/** The processing order (scheduled start, then topological position) and each position's scheduled times. */
interface Timing {
  order: string[];
  pos: Map<string, number>;
  start: (i: number) => number;
  finish: (i: number) => number;
}

/** A pool of units: a resource, or the concurrency limit (every task holds one unit). */
interface Pool {
  name: string;
  capacity: number;
  units: (i: number) => number;
}

export function handoverNeeds(compiled: CompiledPlan, concurrency: number): HandoverPlan {
  const timing = processingOrder(compiled);
  const { order } = timing;
  const preds: Preds = Array.from({ length: order.length }, () => new Map<number, number>());
  const addEdge: AddEdge = (j, i, kind) => {
    if (j >= i) throw new Error(`internal: hand-over edge ${order[j]} -> ${order[i]} runs backwards`);
    const had = preds[i]!.get(j);
    if (had === undefined || kind < had) preds[i]!.set(j, kind);
  };
  addPrecedenceEdges(compiled, timing.pos, addEdge);
  addFileEdges(compiled, timing.pos, addEdge);
  const forced = addFlowEdges(compiled, concurrency, timing, preds, addEdge);
  const edges = { precedence: 0, files: 0, flow: 0 };
  for (const p of preds) for (const kind of p.values()) edges[kind === 0 ? 'precedence' : kind === 1 ? 'files' : 'flow']++;
  const { needs, kept } = transitiveReduction(order, preds);
  return { order, needs, edges, reducedEdges: kept, forced };
}

function processingOrder(compiled: CompiledPlan): Timing {
  const { model, graph, frontier } = compiled;
  const topo = new Map(graph.topoOrder.map((id, i) => [id, i]));
  const times = new Map(frontier.schedule.map((s) => [s.task, s]));
  const order = model.tasks.map((t) => t.id).sort((a, b) => (times.get(a)?.start ?? 0) - (times.get(b)?.start ?? 0) || topo.get(a)! - topo.get(b)!);
  return {
    order,
    pos: new Map(order.map((id, i) => [id, i])),
    start: (i) => times.get(order[i]!)?.start ?? 0,
    finish: (i) => times.get(order[i]!)?.finish ?? 0,
  };
}

/** Every scheduled dependency, and each task of a phase before each task of the next. */
function addPrecedenceEdges(compiled: CompiledPlan, pos: ReadonlyMap<string, number>, addEdge: AddEdge): void {
  const { model, graph } = compiled;
  for (const edge of graph.edges) addEdge(pos.get(edge.from)!, pos.get(edge.to)!, 0);
  const phaseTasks = new Map<string, number[]>();
  for (const t of model.tasks) if (t.phase !== null) phaseTasks.set(t.phase, [...(phaseTasks.get(t.phase) ?? []), pos.get(t.id)!]);
  for (const barrier of graph.phaseBarriers) {
    for (const j of phaseTasks.get(barrier.from) ?? []) for (const i of phaseTasks.get(barrier.to) ?? []) addEdge(j, i, 0);
  }
}

/** Tasks whose files overlap: the one processed later needs the other. */
function addFileEdges(compiled: CompiledPlan, pos: ReadonlyMap<string, number>, addEdge: AddEdge): void {
  const blockers = blockersOf(compiled.conflicts);
  compiled.model.tasks.forEach((t, planIndex) => {
    const i = pos.get(t.id)!;
    for (const p of blockers[planIndex]!) {
      for (const other of compiled.conflicts.patterns[p]!.tasks) {
        const j = pos.get(other)!;
        if (j < i) addEdge(j, i, 1);
      }
    }
  });
}

/** Walks the processing order handing units on from task to task; returns how many hand-overs were forced. */
function addFlowEdges(compiled: CompiledPlan, concurrency: number, timing: Timing, preds: Preds, addEdge: AddEdge): number {
  const { model } = compiled;
  const { order } = timing;
  const n = order.length;
  const byId = new Map(model.tasks.map((t) => [t.id, t]));
  // Ancestors so far (positions), to prefer units whose hand-over is already implied.
  const ancestors: Bits[] = [];
  const pools: Pool[] = [
    ...model.resources.map((r) => ({ name: r.name, capacity: r.capacity, units: (i: number) => byId.get(order[i]!)!.resources[r.name] ?? 0 })),
    { name: 'concurrency', capacity: concurrency, units: () => 1 },
  ];
  // Per pool: free units by origin (-1 = the initial pool), and the units each started task still holds.
  const free = pools.map((p) => new Map<number, number>([[-1, p.capacity]]));
  const held = pools.map(() => new Map<number, number>());
  let forced = 0;
  for (let i = 0; i < n; i++) {
    const anc = new Bits(n);
    for (const j of preds[i]!.keys()) {
      anc.add(j);
      anc.or(ancestors[j]!);
    }
    pools.forEach((pool, r) => {
      const need = pool.units(i);
      if (need === 0) return;
      const step = { i, need, free: free[r]!, holding: held[r]!, anc, ancestors, timing, addEdge };
      releaseFinished(step);
      forced += takeOverRunning(step, pool.name);
      takeUnits(step);
      step.holding.set(i, need);
    });
    ancestors.push(anc);
  }
  return forced;
}

/** One task taking its units from one pool. */
interface HandOver {
  i: number;
  need: number;
  free: Map<number, number>;
  holding: Map<number, number>;
  anc: Bits;
  ancestors: readonly Bits[];
  timing: Timing;
  addEdge: AddEdge;
}

/** Units of tasks that finished by the time this one starts are free again. */
function releaseFinished({ i, free, holding, timing }: HandOver): void {
  for (const [j, units] of holding) {
    if (timing.finish(j) <= timing.start(i) + EPS) {
      free.set(j, (free.get(j) ?? 0) + units);
      holding.delete(j);
    }
  }
}

/** Not enough finished: take over the running task that ends first (then the earliest started). Returns the takeovers. */
function takeOverRunning({ need, free, holding, timing }: HandOver, poolName: string): number {
  const { finish } = timing;
  let forced = 0;
  let available = [...free.values()].reduce((a, b) => a + b, 0);
  while (available < need) {
    let first = -1;
    for (const j of holding.keys()) if (first < 0 || finish(j) < finish(first) - EPS || (Math.abs(finish(j) - finish(first)) <= EPS && j < first)) first = j;
    if (first < 0) throw new Error(`internal: ${poolName} has fewer than ${need} units in all`);
    free.set(first, (free.get(first) ?? 0) + holding.get(first)!);
    available += holding.get(first)!;
    holding.delete(first);
    forced++;
  }
  return forced;
}

/**
 * Units whose hand-over costs no new edge first (already upstream, or the initial pool), then the origins
 * with the most free units (fewest edges), earliest first. A unit from a task not yet upstream is an edge.
 */
function takeUnits({ i, need, free, anc, ancestors, addEdge }: HandOver): void {
  const origins = [...free.entries()].filter(([, u]) => u > 0);
  const rank = ([j]: [number, number]) => (j === -1 || anc.has(j) ? 0 : 1);
  origins.sort((a, b) => rank(a) - rank(b) || b[1] - a[1] || a[0] - b[0]);
  let left = need;
  for (const [j, units] of origins) {
    if (left === 0) break;
    const take = Math.min(units, left);
    left -= take;
    free.set(j, units - take);
    if (units - take === 0) free.delete(j);
    if (j >= 0 && !anc.has(j)) {
      addEdge(j, i, 2);
      anc.add(j);
      anc.or(ancestors[j]!);
    }
  }
}

/** Keeps j -> i only when no other path leads from j to i. Positions are a topological order. */
function transitiveReduction(order: string[], preds: Array<Map<number, number>>): { needs: Map<string, string[]>; kept: number } {
  const n = order.length;
  const succ: number[][] = Array.from({ length: n }, () => []);
  preds.forEach((p, i) => {
    for (const j of p.keys()) succ[j]!.push(i);
  });
  const reach: Bits[] = new Array<Bits>(n);
  const keptPreds: number[][] = Array.from({ length: n }, () => []);
  let kept = 0;
  for (let j = n - 1; j >= 0; j--) {
    const covered = new Bits(n);
    for (const i of succ[j]!.sort((a, b) => a - b)) {
      if (covered.has(i)) continue;
      keptPreds[i]!.push(j);
      kept++;
      covered.add(i);
      covered.or(reach[i]!);
    }
    reach[j] = covered;
  }
  return { needs: new Map(order.map((id, i) => [id, keptPreds[i]!.sort((a, b) => a - b).map((j) => order[j]!)])), kept };
}
