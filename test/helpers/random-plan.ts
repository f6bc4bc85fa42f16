/** Seeded random plans for property tests: tasks, phases, deps of every kind, resources, files, estimates. */
import { stringify } from 'yaml';

export const patternPool = [
  'src/**',
  'src/a/*.ts',
  'src/*/x.ts',
  '**/*.md',
  'src/a/x.ts',
  'lib/{x,y}.ts',
  'src/[ab]/y.ts',
  'lib/**/z.md',
  'src/b/',
  '*.ts',
  'src/a/?.ts',
  'docs/guide.md',
  'lib/q/z.md',
];

export const pathUniverse = [
  'src/a/x.ts',
  'src/a/y.ts',
  'src/a/z.md',
  'src/b/x.ts',
  'src/b/y.ts',
  'src/b/q/x.ts',
  'src/c/d/x.ts',
  'src/x.ts',
  'src/b/z.md',
  'lib/x.ts',
  'lib/y.ts',
  'lib/z.md',
  'lib/q/z.md',
  'z.md',
  'x.ts',
  'docs/guide.md',
  'src/a/xy.ts',
  'src/c/x.ts',
];

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomPlanOptions {
  maxTasks?: number;
  iterations?: number | null;
}

export function randomPlan(seed: number, options: RandomPlanOptions = {}): Record<string, unknown> {
  const r = rng(seed * 7919 + 17);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const n = int(1, options.maxTasks ?? 24);
  const phaseCount = int(0, 3);
  const phases = Array.from({ length: phaseCount }, (_, k) => ({ id: `p${k}` }));
  const resourceCount = int(0, 3);
  const resources: Record<string, { capacity: number }> = {};
  for (let k = 0; k < resourceCount; k++) resources[`r${k}`] = { capacity: int(1, 3) };
  const tasks: Array<Record<string, unknown>> = [];
  for (let i = 0; i < n; i++) {
    const task: Record<string, unknown> = { id: `t${i}`, title: `Build part ${i}` };
    // Phases grow with the task index so that dependencies (always to earlier tasks) never point backwards.
    if (phaseCount > 0 && r() < 0.8) task.phase = `p${Math.min(phaseCount - 1, Math.floor((i / n) * phaseCount))}`;
    const kind = r();
    if (kind < 0.5) task.estimate = int(0, 8);
    else if (kind < 0.7) {
      const o = int(0, 3);
      const m = o + int(0, 3);
      task.estimate = { optimistic: o, likely: m, pessimistic: m + int(0, 6) };
    } else if (kind < 0.85) task.size = pick(['XS', 'S', 'M', 'L', 'XL']);
    else task.estimate = `${int(0, 120)}m`;
    const needs: string[] = [];
    const deps: Array<Record<string, unknown>> = [];
    for (let j = Math.max(0, i - 8); j < i; j++) {
      if (r() > 0.25) continue;
      if (r() < 0.7) needs.push(`t${j}`);
      else deps.push({ task: `t${j}`, type: pick(['technical', 'knowledge', 'infrastructure', 'mutual_exclusion']), confidence: pick([0.5, 0.7, 0.9, 1]), hard: r() < 0.8 });
    }
    if (needs.length) task.needs = needs;
    if (deps.length) task.deps = deps;
    const res: Record<string, number> = {};
    for (const [name, { capacity }] of Object.entries(resources)) if (r() < 0.35) res[name] = int(1, capacity);
    if (Object.keys(res).length) task.resources = res;
    if (r() < 0.5) task.files = Array.from({ length: int(1, 2) }, () => pick(patternPool));
    if (r() < 0.2) task.description = `Also edit ${pick(['src/a/x.ts', 'lib/z.md', 'src/b/', 'README'])} while at it.`;
    tasks.push(task);
  }
  const settings: Record<string, unknown> = { max_concurrency: int(1, 6), max_wave_size: int(2, 10) };
  const iterations = options.iterations === undefined ? 60 : options.iterations;
  if (iterations !== null) settings.optimize_iterations = iterations;
  return { version: 1, name: `random-${seed}`, settings, ...(resourceCount ? { resources } : {}), ...(phaseCount ? { phases } : {}), tasks };
}

export function planYaml(plan: Record<string, unknown>): string {
  return stringify(plan);
}
