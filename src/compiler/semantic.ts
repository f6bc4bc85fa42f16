/** Checks a schema-valid plan for what a schema cannot express: references, cycles, capacities, durations. */
import { hintUnits, machineCapacity } from './machine.js';
import type { Plan } from '../types/plan.js';
import { cycleThrough, cyclicComponents } from './cycles.js';
import type { Diagnostic, PathSegment, Severity } from './diagnostic.js';
import { parseDuration, parseTimeout } from './duration.js';
import type { ResolvedSettings } from './model.js';
import { diagnosticAt, offsetOf, type SourceFile } from './source.js';
import { didYouMean } from './suggest.js';
import { inferredConfidence, inferredEdges, producersOf } from './interfaces.js';
import { startsWithVerb } from './verbs.js';

interface DeclaredEdge {
  /** The dependent task (index) and the task it depends on. */
  task: number;
  on: number;
  confidence: number;
  hard: boolean;
  /** Where the task declares it: tasks[task][via][position] (see edgePath). */
  via: 'needs' | 'deps' | 'consumes';
  position: number;
  /** Order of declaration, for the "last in plan order" tie-break. */
  order: number;
}

/** Where a diagnostic about the edge points: the need, the dependency's `task`, or the consumed interface. */
function edgePath(e: Pick<DeclaredEdge, 'task' | 'via' | 'position'>): PathSegment[] {
  return e.via === 'deps' ? ['tasks', e.task, 'deps', e.position, 'task'] : ['tasks', e.task, e.via, e.position];
}

/** What the per-task checks look names up in: built once from the plan's declarations. */
interface Declared {
  plan: Plan;
  settings: ResolvedSettings;
  report: Report;
  taskIndex: Map<string, number>;
  taskIds: string[];
  phaseIds: Map<string, number>;
  featureIds: Set<string>;
  streams: string[];
  resources: NonNullable<Plan['resources']>;
  machine: ReturnType<typeof machineCapacity>;
}

export function checkSemantics(source: SourceFile, plan: Plan, settings: ResolvedSettings): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report: Report = (severity, code, message, path, atKey = false) => out.push(diagnosticAt(source, offsetOf(source, path, atKey), severity, code, message, path));
  const declared = declarations(plan, settings, report);
  checkCommunication(declared);
  checkDurations(plan, report);
  const edges: DeclaredEdge[] = [];
  plan.tasks.forEach((task, i) => {
    checkTaskReferences(declared, task, i);
    checkTaskResources(declared, task, i);
    declaredEdges(declared, task, i, edges);
    if (!startsWithVerb(task.title)) {
      report('warning', 'title-not-verb', `title of task '${task.id}' should start with a verb (e.g. 'Create ...', 'Add ...')`, ['tasks', i, 'title']);
    }
    if (!task.acceptance || task.acceptance.length === 0) {
      report('warning', 'no-acceptance', `task '${task.id}' has no acceptance criteria; say how anyone will know it is done`, ['tasks', i, 'id']);
    }
  });
  checkInterfacesAndExclusions(declared);
  for (const e of inferredEdges(plan)) {
    edges.push({ task: e.to, on: e.from, confidence: inferredConfidence, hard: true, via: 'consumes', position: e.position, order: edges.length });
  }
  const scheduled = edges.filter((e) => e.hard && e.confidence >= settings.minConfidence);
  checkPhaseOrder(declared, scheduled);
  checkCycles(plan, scheduled, report);
  return out;
}

/** Task, phase and feature ids (each once), streams, resources and the machine. */
function declarations(plan: Plan, settings: ResolvedSettings, report: Report): Declared {
  const taskIndex = new Map<string, number>();
  plan.tasks.forEach((task, i) => {
    if (taskIndex.has(task.id)) {
      report('error', 'duplicate-task-id', `task id '${task.id}' is already used by task ${taskIndex.get(task.id)! + 1}; task ids must be unique`, ['tasks', i, 'id']);
    } else {
      taskIndex.set(task.id, i);
    }
  });
  const phaseIds = new Map<string, number>();
  (plan.phases ?? []).forEach((phase, i) => {
    if (phaseIds.has(phase.id)) report('error', 'duplicate-phase-id', `phase id '${phase.id}' is defined twice`, ['phases', i, 'id']);
    else phaseIds.set(phase.id, i);
  });
  const featureIds = new Set<string>();
  (plan.features ?? []).forEach((feature, i) => {
    if (featureIds.has(feature.id)) report('error', 'duplicate-feature-id', `feature id '${feature.id}' is defined twice`, ['features', i, 'id']);
    featureIds.add(feature.id);
  });
  return {
    plan,
    settings,
    report,
    taskIndex,
    taskIds: [...taskIndex.keys()],
    phaseIds,
    featureIds,
    streams: Object.keys(plan.streams ?? {}),
    resources: plan.resources ?? {},
    machine: machineCapacity(plan),
  };
}

function checkCommunication({ plan, streams, phaseIds, report }: Declared): void {
  (plan.communication ?? []).forEach((c, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!streams.includes(c[end])) {
        report('error', 'unknown-stream', `communication ${end} '${c[end]}' is not a stream${didYouMean(c[end], streams)}`, ['communication', i, end]);
      }
    }
    if (c.after !== undefined && !phaseIds.has(c.after)) {
      report('error', 'unknown-phase', `communication after '${c.after}' is not a phase${didYouMean(c.after, phaseIds.keys())}`, ['communication', i, 'after']);
    }
  });
}

type PlanTask = Plan['tasks'][number];

/** Its kind, and the stream, phase and feature it names. */
function checkTaskReferences({ streams, phaseIds, featureIds, report }: Declared, task: PlanTask, i: number): void {
  const here: PathSegment[] = ['tasks', i];
  if (task.run !== undefined && task.agent !== undefined) {
    report('error', 'conflicting-kind', `task '${task.id}' has both run and agent; a task is either a command or an agent task`, [...here, 'agent'], true);
  }
  if (task.stream !== undefined && !streams.includes(task.stream)) {
    report('error', 'unknown-stream', `task '${task.id}' names stream '${task.stream}', which is not defined under streams${didYouMean(task.stream, streams)}`, [
      ...here,
      'stream',
    ]);
  }
  if (task.phase !== undefined && !phaseIds.has(task.phase)) {
    report('error', 'unknown-phase', `task '${task.id}' names phase '${task.phase}', which is not defined under phases${didYouMean(task.phase, phaseIds.keys())}`, [
      ...here,
      'phase',
    ]);
  }
  if (task.feature !== undefined && !featureIds.has(task.feature)) {
    report('error', 'unknown-feature', `task '${task.id}' names feature '${task.feature}', which is not defined under features${didYouMean(task.feature, featureIds)}`, [
      ...here,
      'feature',
    ]);
  }
}

const machineHints = [
  ['cpu', 'cores', 'settings.machine.cpu'],
  ['memory', 'GiB', 'settings.machine.memory'],
] as const;

/** The resources it uses exist and can hold its request; its cpu and memory hints fit the machine. */
function checkTaskResources({ resources, machine, report }: Declared, task: PlanTask, i: number): void {
  const here: PathSegment[] = ['tasks', i];
  if (task.resources)
    for (const [name, units] of Object.entries(task.resources)) {
      const resource = resources[name];
      if (!resource) {
        report(
          'error',
          'unknown-resource',
          `task '${task.id}' uses resource '${name}', which is not defined under resources${didYouMean(name, Object.keys(resources))}`,
          [...here, 'resources', name],
          true,
        );
      } else if (units > resource.capacity) {
        report(
          'error',
          'resource-over-capacity',
          `task '${task.id}' needs ${units} of '${name}' but its capacity is ${resource.capacity}; it could never start (lower the request or raise the capacity)`,
          [...here, 'resources', name],
        );
      }
    }
  if (task.cpu === undefined && task.memory === undefined) return;
  const hints = hintUnits(task);
  for (const [key, unit, what] of machineHints) {
    const needs = hints[key];
    if (needs !== undefined && needs > machine[key]) {
      const from = resources[key] ? `resource '${key}'` : what;
      report(
        'error',
        'resource-over-capacity',
        `task '${task.id}' needs ${needs} ${unit} but the machine has ${machine[key]} (${from}); it could never start (lower the hint or raise ${from})`,
        [...here, key],
      );
    }
  }
}

/** Its `needs` and `deps` as edges (each target once, never itself), and the soft or weak ones reported. */
function declaredEdges({ taskIndex, taskIds, settings, report }: Declared, task: PlanTask, i: number, edges: DeclaredEdge[]): void {
  const seen = new Set<string>();
  // Paths are built only for what gets reported (a 10,000-task plan declares some 30,000 edges).
  const addEdge = (on: string, via: 'needs' | 'deps', position: number, confidence: number, hard: boolean) => {
    if (on === task.id) {
      report('error', 'self-dependency', `task '${task.id}' depends on itself`, edgePath({ task: i, via, position }));
      return;
    }
    const target = taskIndex.get(on);
    if (target === undefined) {
      report('error', 'unknown-task', `task '${task.id}' depends on '${on}', which is not a task${didYouMean(on, taskIds)}`, edgePath({ task: i, via, position }));
      return;
    }
    if (seen.has(on)) {
      report('warning', 'duplicate-dependency', `task '${task.id}' depends on '${on}' more than once`, edgePath({ task: i, via, position }));
      return;
    }
    seen.add(on);
    edges.push({ task: i, on: target, confidence, hard, via, position, order: edges.length });
  };
  task.needs?.forEach((on, j) => addEdge(on, 'needs', j, 1, true));
  task.deps?.forEach((dep, j) => {
    const confidence = dep.confidence ?? 1;
    const hard = dep.hard ?? true;
    addEdge(dep.task, 'deps', j, confidence, hard);
    if (!taskIndex.has(dep.task) || dep.task === task.id) return;
    const path: PathSegment[] = ['tasks', i, 'deps', j];
    if (!hard) {
      report('warning', 'soft-dependency', `soft dependency of '${task.id}' on '${dep.task}' is reported but not scheduled`, path);
    } else if (confidence < settings.minConfidence) {
      report(
        'warning',
        'low-confidence-dependency',
        `dependency of '${task.id}' on '${dep.task}' has confidence ${confidence} < min_confidence ${settings.minConfidence}; it is reported but not scheduled`,
        path,
      );
    }
  });
}

/** Interfaces: a consumer without a producer has nothing to wait for. And avoid_concurrent_with names other tasks. */
function checkInterfacesAndExclusions({ plan, taskIndex, taskIds, report }: Declared): void {
  const producers = producersOf(plan);
  plan.tasks.forEach((task, i) => {
    (task.consumes ?? []).forEach((name, j) => {
      if (!producers.has(name)) {
        const known = [...producers.keys()];
        report(
          'warning',
          'unproduced-interface',
          `task '${task.id}' consumes '${name}', which no task produces; add it to the producing task's produces, or drop it${didYouMean(name, known)}`,
          ['tasks', i, 'consumes', j],
        );
      }
    });
    (task.avoid_concurrent_with ?? []).forEach((other, j) => {
      const at: PathSegment[] = ['tasks', i, 'avoid_concurrent_with', j];
      if (other === task.id) report('error', 'self-exclusion', `task '${task.id}' lists itself in avoid_concurrent_with`, at);
      else if (!taskIndex.has(other)) report('error', 'unknown-task', `task '${task.id}' avoids running beside '${other}', which is not a task${didYouMean(other, taskIds)}`, at);
    });
  });
}

/** A scheduled dependency may not point into a later phase: phases run in order, so the task could never start. */
function checkPhaseOrder({ plan, phaseIds, report }: Declared, scheduled: DeclaredEdge[]): void {
  for (const edge of scheduled) {
    const mine = plan.tasks[edge.task]!.phase;
    const theirs = plan.tasks[edge.on]!.phase;
    if (mine === undefined || theirs === undefined) continue;
    const a = phaseIds.get(mine);
    const b = phaseIds.get(theirs);
    if (a !== undefined && b !== undefined && b > a) {
      report(
        'error',
        'phase-order',
        `task '${plan.tasks[edge.task]!.id}' (phase '${mine}') depends on '${plan.tasks[edge.on]!.id}' of the later phase '${theirs}'; move one of them or drop the dependency`,
        edgePath(edge),
      );
    }
  }
}

/** Most tasks of a cycle's path written out in its diagnostic. */
const maxCycleShown = 40;

type Report = (severity: Severity, code: string, message: string, path: PathSegment[], atKey?: boolean) => void;

const pertKeys = ['optimistic', 'likely', 'pessimistic'] as const;

function checkDurations(plan: Plan, report: Report): void {
  // The path and the message are built only for a value that fails: every task has an estimate.
  const check = (value: number | string | undefined, path: () => PathSegment[], what: () => string, parse = parseDuration) => {
    if (value === undefined) return;
    const parsed = parse(value);
    if (!parsed.ok) report('error', 'invalid-duration', `${what()} ${JSON.stringify(value)} ${parsed.reason}`, path());
  };
  check(
    plan.defaults?.timeout,
    () => ['defaults', 'timeout'],
    () => 'defaults.timeout',
    parseTimeout,
  );
  plan.tasks.forEach((task, i) => {
    const here: PathSegment[] = ['tasks', i];
    const e = task.estimate;
    if (e !== undefined && typeof e === 'object') {
      const hours: number[] = [];
      for (const k of pertKeys) {
        const parsed = parseDuration(e[k]);
        if (parsed.ok) hours.push(parsed.hours);
        else report('error', 'invalid-duration', `estimate.${k} of task '${task.id}' ${JSON.stringify(e[k])} ${parsed.reason}`, [...here, 'estimate', k]);
      }
      if (hours.length === 3) {
        const [o, m, p] = hours;
        if (!(o! <= m! && m! <= p!)) {
          report('error', 'invalid-estimate', `estimate of task '${task.id}' must have optimistic <= likely <= pessimistic`, [...here, 'estimate']);
        }
      }
    } else {
      check(
        e,
        () => [...here, 'estimate'],
        () => `estimate of task '${task.id}'`,
      );
    }
    check(
      task.timeout,
      () => [...here, 'timeout'],
      () => `timeout of task '${task.id}'`,
      parseTimeout,
    );
    (task.acceptance ?? []).forEach((a, j) => {
      if (typeof a === 'object' && 'run' in a) {
        check(
          a.timeout,
          () => [...here, 'acceptance', j, 'timeout'],
          () => 'acceptance timeout',
          parseTimeout,
        );
      }
    });
  });
}

function checkCycles(plan: Plan, edges: DeclaredEdge[], report: Report): void {
  const n = plan.tasks.length;
  const adjacency: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) adjacency[e.task]!.push(e.on);
  const components = cyclicComponents(n, adjacency);
  if (components.length === 0) return;
  // The edge of each pair (the last declared, as a map keeps it), only needed to report a cycle.
  const byPair = new Map<number, DeclaredEdge>();
  for (const e of edges) byPair.set(e.task * n + e.on, e);
  for (const component of components) {
    const cycle = cycleThrough(component[0]!, component, adjacency);
    const cycleEdges = cycle.map((v, k) => byPair.get(v * n + cycle[(k + 1) % cycle.length]!)!);
    // Suggest removing the weakest link: lowest confidence, then soft, then the last declared.
    const suggestion = [...cycleEdges].sort((a, b) => a.confidence - b.confidence || Number(a.hard) - Number(b.hard) || b.order - a.order)[0]!;
    const ids = cycle.map((v) => plan.tasks[v]!.id);
    // In full up to a readable length; a 20,000-task cycle was one 200 KB line.
    const loop = [...ids, ids[0]!];
    const pathText =
      loop.length <= maxCycleShown
        ? loop.join(' -> ')
        : [...loop.slice(0, maxCycleShown / 2), `... ${loop.length - maxCycleShown} more ...`, ...loop.slice(-maxCycleShown / 2)].join(' -> ');
    const extra = component.length > cycle.length ? ` (${component.length} tasks are caught in this tangle)` : '';
    const weak = suggestion.confidence < 1 ? ` (confidence ${suggestion.confidence})` : '';
    report(
      'error',
      'dependency-cycle',
      `dependency cycle: ${pathText} (each depends on the next)${extra}; suggested fix: remove the dependency of '${plan.tasks[suggestion.task]!.id}' on '${plan.tasks[suggestion.on]!.id}'${weak}`,
      edgePath(suggestion),
    );
  }
}
