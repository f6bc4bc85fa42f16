// Schedules are valid (independent checker), deterministic, and scale; glob overlap is exact on a path universe.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import type { CompiledPlan } from '../src/compiler/compiled.js';
import { findConflicts, mentionedPaths } from '../src/compiler/conflicts.js';
import { globsOverlap } from '../src/compiler/glob-overlap.js';
import { sortAscending, sortBy, sortTexts } from '../src/compiler/sort-lists.js';
import type { IndexGraph } from '../src/compiler/graph/index-graph.js';
import { redundantEdges } from '../src/compiler/graph/reduce.js';
import { renderScheduleArtifacts } from '../src/compiler/artifacts/index.js';
import { instanceToPlanYaml, smToPlanYaml } from '../bench/psplib-convert.mjs';
import { generateInstance } from '../bench/gen-rcpsp.mjs';
import { checkFrontier, checkWaves, enforcedPairs, globRegExp, type Exclusions } from './helpers/check-schedule.js';
import { pathUniverse, patternPool, planYaml, randomPlan, rng } from './helpers/random-plan.js';
import { compileText, modelOf } from './helpers/cli.js';

/** Pairs of tasks whose `files` match a common path of the universe: they must be kept apart. */
function bruteForceExclusions(plan: Record<string, unknown>): Exclusions {
  const tasks = plan.tasks as Array<{ id: string; files?: string[] }>;
  const out: Exclusions = [];
  // Which paths of the universe each task's globs match (each glob's RegExp built once, not per pair).
  const matched = tasks.map((task) => {
    const res = (task.files ?? []).map(globRegExp);
    return pathUniverse.map((p) => res.some((x) => x.test(p)));
  });
  for (let i = 0; i < tasks.length; i++) for (let j = i + 1; j < tasks.length; j++) if (matched[i]!.some((m, k) => m && matched[j]![k])) out.push([tasks[i]!.id, tasks[j]!.id]);
  return out;
}

t.test('glob overlap', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['src/**', 'src/a/b/c.ts', true],
    ['src/*.ts', 'src/a/b.ts', false],
    ['src/**/*.ts', 'src/x.ts', true],
    ['**/*.md', 'docs/a/b.md', true],
    ['*.md', 'docs/a.md', false],
    ['src/{a,b}/x.ts', 'src/b/*.ts', true],
    ['src/{a,b}/x.ts', 'src/c/*.ts', false],
    ['src/[ab]/y.ts', 'src/c/y.ts', false],
    ['src/[!a]/y.ts', 'src/b/y.ts', true],
    ['src/a?.ts', 'src/a/.ts', false],
    ['./src/models/', 'src/models/user.ts', true],
    ['a/*/c', 'a/**/c', true],
    ['a/*x', 'a/y*', true],
    ['a/*.ts', 'a/*.js', false],
  ];
  for (const [a, b, want] of cases) {
    t.equal(globsOverlap(a, b), want, `${a} vs ${b}`);
    t.equal(globsOverlap(b, a), want, `${b} vs ${a} (symmetric)`);
  }
  // Exact on the pool: overlap iff some path of the universe matches both (the universe covers every case).
  const matches = new Map(patternPool.map((a) => [a, pathUniverse.map((p) => globRegExp(a).test(p))]));
  for (const a of patternPool)
    for (const b of patternPool) {
      const brute = matches.get(a)!.some((m, k) => m && matches.get(b)![k]);
      t.equal(globsOverlap(a, b), brute, `${a} vs ${b}`);
    }
});

t.test('paths mentioned in descriptions', async (t) => {
  t.same(mentionedPaths('Edit src/api/auth.ts and README.md, then check https://x.org/a.ts; e.g. not and/or.'), ['README.md', 'src/api/auth.ts']);
  t.same(mentionedPaths('Move models into src/models/ and `lib/**`'), ['lib/**', 'src/models/']);
  const plan = (settings: Record<string, unknown>) =>
    planYaml({
      version: 1,
      name: 'conflicts',
      settings: { min_confidence: 0.7, ...settings },
      tasks: [
        { id: 'a', title: 'Write a', estimate: 1, files: ['src/api/**'] },
        { id: 'b', title: 'Write b', estimate: 1, description: 'Touches src/api/auth.ts.' },
        { id: 'c', title: 'Write c', estimate: 1, description: 'Touches src/api/auth.ts too.' },
        { id: 'd', title: 'Write d', estimate: 1, files: ['docs/**'] },
      ],
    });
  // With description conflicts only reported, the confidence threshold alone decides.
  const compiled = compileText(plan({ description_conflicts: 'report' }));
  const { patterns, overlaps, groups } = compiled.conflicts;
  t.same(
    patterns,
    [
      { pattern: 'src/api/**', source: 'files', tasks: ['a'] },
      { pattern: 'src/api/auth.ts', source: 'description', tasks: ['b', 'c'] },
    ],
    'one node per distinct pattern and source, holding its tasks',
  );
  t.same(overlaps, [
    { a: 0, b: 1, confidence: 0.8, enforced: true, type: 'same_directory' },
    { a: 1, b: 1, confidence: 0.5, enforced: false, type: 'same_file' },
  ]);
  t.same(groups, [{ patterns: [0, 1], overlaps: [0, 1], tasks: ['a', 'b', 'c'], confidence: 0.8, enforced: true }]);
  t.same(enforcedPairs(compiled), [
    ['a', 'b'],
    ['a', 'c'],
  ]);
  t.same(checkFrontier(compiled), []);
  t.equal(compiled.frontier.makespanHours, 2, 'b and c may overlap (low confidence), a may not');
  // By default two tasks that name one file go in sequence.
  const enforced = compileText(plan({}));
  t.same(enforcedPairs(enforced), [
    ['a', 'b'],
    ['a', 'c'],
    ['b', 'c'],
  ]);
  t.same(checkFrontier(enforced), []);
  t.equal(enforced.frontier.makespanHours, 3, 'a, b and c one after another');
});

t.test('random plans: both schedules are valid (property, many seeds)', async (t) => {
  let checked = 0;
  for (let seed = 1; seed <= 160; seed++) {
    const plan = randomPlan(seed, { iterations: seed % 20 === 0 ? null : 60 });
    const compiled = compileText(planYaml(plan), `random-${seed}.yaml`);
    const exclusions = bruteForceExclusions(plan);
    const frontierProblems = checkFrontier(compiled, exclusions);
    const waveProblems = checkWaves(compiled, exclusions);
    if (frontierProblems.length || waveProblems.length) {
      t.fail(`seed ${seed}`, { frontierProblems, waveProblems });
      continue;
    }
    const f = compiled.frontier;
    if (f.makespanHours + 1e-6 < f.lowerBound.hours) t.fail(`seed ${seed}: makespan below the lower bound`);
    if (f.makespanHours > f.optimizer.baselineMakespanHours + 1e-6) t.fail(`seed ${seed}: worse than the baseline`);
    if (f.priority.length !== compiled.model.tasks.length) t.fail(`seed ${seed}: priority misses tasks`);
    checked++;
  }
  t.equal(checked, 160, 'all 160 random plans hold every constraint');
});

t.test('the checker catches broken schedules', async (t) => {
  const compiled = compileText(
    stringify({
      version: 1,
      name: 'broken',
      settings: { max_concurrency: 2 },
      resources: { db: { capacity: 1 } },
      tasks: [
        { id: 'a', title: 'Make a', estimate: 2, resources: { db: 1 } },
        { id: 'b', title: 'Make b', estimate: 2, resources: { db: 1 } },
        { id: 'c', title: 'Make c', estimate: 1, needs: ['a'], files: ['src/x.ts'] },
        { id: 'd', title: 'Make d', estimate: 1, files: ['src/*.ts'] },
      ],
    }),
  );
  t.same(checkFrontier(compiled), []);
  const moved = (task: string, start: number): CompiledPlan => ({
    ...compiled,
    frontier: { ...compiled.frontier, schedule: compiled.frontier.schedule.map((s) => (s.task === task ? { ...s, start, finish: start + (s.finish - s.start) } : s)) },
  });
  const at = (task: string) => compiled.frontier.schedule.find((s) => s.task === task)!;
  t.match(checkFrontier(moved('c', 0)).join('\n'), /precedence a -> c/);
  t.match(checkFrontier(moved('b', at('a').start)).join('\n'), /resource db/);
  t.match(checkFrontier(moved('d', at('c').start)).join('\n'), /c and d share files/);
  const waves = compiled.waves.waves;
  const merged = { ...compiled, waves: { ...compiled.waves, waves: [{ ...waves[0]!, tasks: compiled.model.tasks.map((x) => x.id) }] } };
  t.match(checkWaves(merged).join('\n'), /precedence a -> c not across waves/);
});

t.test('random plans: the transitive reduction keeps exactly the edges no other path implies', async (t) => {
  let checked = 0;
  for (let seed = 1; seed <= 80; seed++) {
    const plan = randomPlan(seed, { maxTasks: 40, iterations: 0 });
    const compiled = compileText(planYaml(plan));
    const edges = new Set(compiled.graph.edges.map((e) => `${e.from}>${e.to}`));
    const succ = new Map<string, string[]>();
    for (const e of edges) {
      const [a, b] = e.split('>') as [string, string];
      succ.set(a, [...(succ.get(a) ?? []), b]);
    }
    // Implied: b reachable from a without using the edge a -> b itself.
    const implied = (a: string, b: string) => {
      const stack = (succ.get(a) ?? []).filter((x) => x !== b);
      const seen = new Set(stack);
      while (stack.length) {
        const v = stack.pop()!;
        if (v === b) return true;
        for (const w of succ.get(v) ?? [])
          if (!seen.has(w)) {
            seen.add(w);
            stack.push(w);
          }
      }
      return false;
    };
    const expected = [...edges].filter((e) => !implied(...(e.split('>') as [string, string]))).sort();
    const actual = compiled.graph.reducedEdges.map((e) => e.join('>')).sort();
    if (JSON.stringify(actual) === JSON.stringify(expected)) checked++;
    else t.same(actual, expected, `seed ${seed}`);
  }
  t.equal(checked, 80);
});

t.test('PSPLIB J30 samples: valid and close to the proven optimum', async (t) => {
  const optimum: Record<string, number> = { 'j301_1.sm': 43, 'j3013_5.sm': 67, 'j3037_7.sm': 92, 'j3046_3.sm': 65 };
  for (const [file, opt] of Object.entries(optimum)) {
    const text = smToPlanYaml(readFileSync(path.join(import.meta.dirname, 'fixtures/psplib', file), 'utf8'), 'psplib');
    const compiled = compileText(text, file);
    t.same(checkFrontier(compiled), [], `${file} frontier valid`);
    t.same(checkWaves(compiled), [], `${file} waves valid`);
    t.ok(compiled.frontier.makespanHours >= opt, `${file}: ${compiled.frontier.makespanHours} >= optimum ${opt}`);
    t.ok(compiled.frontier.makespanHours <= opt * 1.03, `${file}: ${compiled.frontier.makespanHours} within 3 % of ${opt}`);
    t.ok(compiled.frontier.makespanHours <= compiled.waves.makespanHours, `${file}: frontier no longer than waves`);
  }
});

t.test('the examples: both schedules valid, compiled twice identically', async (t) => {
  const root = path.join(import.meta.dirname, '../examples');
  const plans = existsSync(root)
    ? readdirSync(root)
        .map((d) => path.join(root, d, 'plan.yaml'))
        .filter((f) => existsSync(f))
        .sort()
    : [];
  for (const file of plans) {
    const text = readFileSync(file, 'utf8');
    const compiled = compileText(text, file);
    t.same(checkFrontier(compiled), [], `${path.basename(path.dirname(file))}: frontier valid`);
    t.same(checkWaves(compiled), [], `${path.basename(path.dirname(file))}: waves valid`);
    t.same(renderScheduleArtifacts(compileText(text, file)), renderScheduleArtifacts(compiled), 'deterministic');
  }
  t.ok(plans.length >= 3, `the three bundled examples were checked (found ${plans.length})`);
});

t.test('determinism', async (t) => {
  for (const seed of [3, 11, 42]) {
    const plan = randomPlan(seed, { iterations: null });
    const text = planYaml(plan);
    const first = renderScheduleArtifacts(compileText(text));
    const second = renderScheduleArtifacts(compileText(text));
    t.same(second, first, `seed ${seed}: byte-identical artifacts`);

    // Reordered tasks: the frontier is identical (it works in id order); the graph's facts are the same.
    const reversed = { ...plan, tasks: [...(plan.tasks as unknown[])].reverse() };
    const a = compileText(text);
    const b = compileText(planYaml(reversed));
    t.same(b.frontier, a.frontier, `seed ${seed}: same frontier schedule with tasks reversed`);
    t.same(b.graph.metrics, a.graph.metrics, `seed ${seed}: same metrics`);
    t.same(b.graph.timing, a.graph.timing, `seed ${seed}: same timing`);
    t.equal(b.graph.criticalPathHours, a.graph.criticalPathHours);
    const pairs = (c: CompiledPlan) =>
      enforcedPairs(c)
        .map((x) => [...x].sort().join('+'))
        .sort();
    t.same(pairs(b), pairs(a), `seed ${seed}: same conflicts`);
    t.same(new Set(b.graph.reducedEdges.map((e) => e.join('>'))), new Set(a.graph.reducedEdges.map((e) => e.join('>'))), 'same reduced edges');
    t.same(checkWaves(b), [], `seed ${seed}: the reordered plan's waves are valid (ties may differ)`);
  }
});

t.test('graph facts on a small plan', async (t) => {
  const compiled = compileText(
    stringify({
      version: 1,
      name: 'small',
      phases: [{ id: 'one' }, { id: 'two' }],
      tasks: [
        { id: 'a', title: 'Make a', estimate: 2, phase: 'one' },
        { id: 'b', title: 'Make b', estimate: 1, phase: 'one', needs: ['a'] },
        { id: 'c', title: 'Make c', estimate: 1, phase: 'one', needs: ['a', 'b'] },
        { id: 'd', title: 'Make d', estimate: 5, phase: 'two' },
        { id: 'e', title: 'Make e', estimate: 1, deps: [{ task: 'd', hard: false }] },
      ],
    }),
  );
  const g = compiled.graph;
  t.same(g.topoOrder, ['a', 'b', 'c', 'd', 'e'], 'Kahn: the ready task first in plan order');
  t.same(
    g.reducedEdges,
    [
      ['a', 'b'],
      ['b', 'c'],
    ],
    'a -> c is implied by a -> b -> c',
  );
  t.same(g.criticalPath, ['a', 'b', 'c', 'd']);
  t.equal(g.criticalPathHours, 9);
  t.equal(g.metrics.longestPath, 4);
  t.equal(g.metrics.widthApprox, 2);
  t.equal(g.metrics.isolatedTasks, 2);
  t.equal(g.metrics.redundantEdges, 1);
  t.same(g.phaseBarriers, [{ from: 'one', to: 'two' }]);
  t.equal(g.softDeps.length, 1);
  t.same(
    compiled.waves.waves.map((w) => w.tasks),
    [['a', 'e'], ['b'], ['c'], ['d']],
  );
  t.equal(compiled.frontier.makespanHours, 9);
});

t.test('a 10,000-task chain listed last-to-first compiles (no recursion)', async (t) => {
  const n = 10_000;
  const lines = ['version: 1', 'name: chain', 'tasks:'];
  for (let i = n - 1; i >= 0; i--) lines.push(`  - { id: t${i}, title: Run step ${i}, estimate: 1${i > 0 ? `, needs: [t${i - 1}]` : ''} }`);
  const compiled = compileText(`${lines.join('\n')}\n`);
  t.equal(compiled.graph.topoOrder[0], 't0');
  t.equal(compiled.graph.topoOrder[n - 1], `t${n - 1}`);
  t.equal(compiled.graph.criticalPath.length, n);
  t.equal(compiled.frontier.makespanHours, n);
  t.equal(compiled.waves.waves.length, n);
  t.equal(compiled.graph.metrics.longestPath, n);
});

t.test('findConflicts ignores a task against itself', async (t) => {
  const found = findConflicts(modelOf(stringify({ version: 1, name: 'x', tasks: [{ id: 'a', title: 'Do a', files: ['src/**', 'src/a.ts'] }] }), 'p.yaml'));
  t.same([found.patterns, found.overlaps, found.groups], [[], [], []]);
});

t.test('conflicts are per pattern: a group is not a clique, and thousands of tasks on one glob stay small', async (t) => {
  const chain = compileText(
    planYaml({
      version: 1,
      name: 'chain-of-globs',
      tasks: [
        { id: 'a', title: 'Write a', estimate: 2, files: ['src/a/**'] },
        { id: 's', title: 'Write s', estimate: 1, files: ['src/**'] },
        { id: 'b', title: 'Write b', estimate: 2, files: ['src/b/**'] },
      ],
    }),
  );
  t.same(
    chain.conflicts.groups.map((g) => g.tasks),
    [['a', 's', 'b']],
    'one connected group',
  );
  t.same(
    enforcedPairs(chain),
    [
      ['a', 's'],
      ['s', 'b'],
    ],
    'a and b share no file',
  );
  t.same(checkFrontier(chain), []);
  t.same(checkWaves(chain), []);
  t.equal(chain.frontier.makespanHours, 3, 'a and b run together, s before or after them');

  const n = 3000;
  const lines = ['version: 1', 'name: broad', 'settings: { max_concurrency: 8 }', 'tasks:'];
  for (let i = 0; i < n; i++) lines.push(`  - { id: t${i}, title: Change part ${i}, estimate: ${1 + (i % 3)}, files: ["src/**"${i % 2 ? ', "docs/x.md"' : ''}] }`);
  const broad = compileText(`${lines.join('\n')}\n`);
  t.same(
    broad.conflicts.patterns.map((p) => [p.pattern, p.tasks.length]),
    [
      ['docs/x.md', n / 2],
      ['src/**', n],
    ],
  );
  t.equal(broad.conflicts.groups.length, 2);
  const spans = broad.frontier.schedule.map((s) => [s.start, s.finish] as const).sort((x, y) => x[0] - y[0]);
  t.ok(
    spans.every((s, k) => k === 0 || spans[k - 1]![1] <= s[0] + 1e-9),
    'no two tasks on src/** overlap in time',
  );
  t.equal(
    broad.frontier.makespanHours,
    broad.model.tasks.reduce((sum, x) => sum + x.hours, 0),
    'they run one after another',
  );
  t.ok(
    broad.waves.waves.every((w) => w.tasks.length === 1),
    'one task per wave',
  );
  t.equal(broad.frontier.lowerBound.binding, 'files:src/**', 'tasks sharing a pattern bound the makespan by their total hours');
  t.equal(broad.frontier.gap, 0);
  t.equal(broad.frontier.optimizer.schedulesEvaluated, 0, 'the baseline meets the bound: no search');
});

t.test('the default budget grows with the plan, and the extra schedules only ever shorten it', async (t) => {
  // A generated 90-job instance with scarce resources (PSPLIB's generator parameters, bench/gen-rcpsp.mjs).
  const text = instanceToPlanYaml(generateInstance({ jobs: 90, nc: 1.8, rf: 1, rs: 0.2, seed: 7 }), 'gen-90');
  const scaled = compileText(text).frontier;
  const fixed = compileText(text.replace('settings: {', 'settings: { optimize_iterations: 5000,')).frontier;
  t.equal(fixed.optimizer.budget, 5000);
  t.ok(scaled.optimizer.budget > 5000, `a 90-task plan gets more than 5,000 schedules (${scaled.optimizer.budget})`);
  t.ok(scaled.optimizer.schedulesEvaluated > fixed.optimizer.schedulesEvaluated || scaled.makespanHours <= scaled.lowerBound.hours, 'it uses them');
  t.ok(scaled.makespanHours <= fixed.makespanHours, `never longer: ${scaled.makespanHours} h vs ${fixed.makespanHours} h at 5,000`);
  // Plans of 60 tasks or more remember the schedules already justified: a second compile must still
  // give exactly the same schedule (the memo is keyed by start times, filled in the same order).
  t.same(compileText(text).frontier, scaled, 'the same schedule on a second compile');
  // Small plans keep exactly the 5,000 they had.
  const small = compileText(instanceToPlanYaml(generateInstance({ jobs: 30, nc: 1.5, rf: 1, rs: 0.2, seed: 3 }), 'gen-30')).frontier;
  t.ok(small.optimizer.budget <= 5000, `a 30-task plan: ${small.optimizer.budget}`);
});

t.test('transitive reduction: the windowed rows and the column blocks flag exactly the edges a search finds redundant', async (t) => {
  let graphs = 0;
  let flagged = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const random = rng(seed);
    const n = 2 + Math.floor(random() * 120);
    // Short spans (layered plans), long ones, and dense graphs; the nodes' numbering is shuffled, so the
    // topological order is not the plan order.
    const span = seed % 3 === 0 ? n : 1 + Math.floor(random() * 12);
    const density = seed % 5 === 0 ? 0.5 : 0.15 + random() * 0.2;
    const label = Array.from({ length: n }, (_, i) => i).sort(() => random() - 0.5);
    const taskEdges: Array<[number, number]> = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < Math.min(n, a + 1 + span); b++) if (random() < density) taskEdges.push([label[a]!, label[b]!]);
    const order = Array.from({ length: n }, (_, i) => label[i]!);
    const graph = { taskCount: n, taskEdges } as unknown as IndexGraph;
    const succ: number[][] = Array.from({ length: n }, () => []);
    for (const [a, b] of taskEdges) succ[a]!.push(b);
    const reaches = (from: number, to: number): boolean => {
      const stack = [from];
      const seen = new Set(stack);
      while (stack.length > 0) {
        for (const w of succ[stack.pop()!]!) {
          if (w === to) return true;
          if (seen.has(w)) continue;
          seen.add(w);
          stack.push(w);
        }
      }
      return false;
    };
    const expected = taskEdges.map(([a, b]) => succ[a]!.some((w) => w !== b && reaches(w, b)));
    t.same(redundantEdges(graph, order), expected, `seed ${seed}: windowed`);
    t.same(redundantEdges(graph, order, 0), expected, `seed ${seed}: blocks`);
    graphs++;
    flagged += expected.filter(Boolean).length;
  }
  t.ok(graphs === 60 && flagged > 100, `${flagged} redundant edges in ${graphs} graphs`);
});

t.test('short lists sorted in place give what Array.prototype.sort gives', async (t) => {
  let x = 7;
  const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
  for (const length of [0, 1, 2, 5, 31, 32, 33, 100]) {
    for (let k = 0; k < 20; k++) {
      const list = Array.from({ length }, () => next() % (k % 2 ? 10 : 100000));
      if (k === 3) list.sort((a, b) => a - b);
      const expected = [...list].sort((a, b) => a - b);
      const texts = list.map((v) => `w${v % 1000}`);
      const pairs = list.map((v, i) => [v % 7, i]);
      t.same(sortTexts([...texts]), [...texts].sort(), `texts, length ${length}`);
      t.same(
        sortBy([...pairs], (a, b) => a[0]! - b[0]!),
        [...pairs].sort((a, b) => a[0]! - b[0]!),
        `stable, length ${length}`,
      );
      sortAscending(list);
      t.same(list, expected, `length ${length}`);
    }
  }
});
