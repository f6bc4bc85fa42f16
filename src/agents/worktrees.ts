/**
 * `--worktrees`: each stream works in its own git worktree (`.execplan/worktrees/<stream>`) on the stream's
 * branch `execplan/<plan>/<stream>`, the one tasks.json records (one branchName, in the compiler). The
 * branch names, the base branch and each branch's last known tip are recorded in the run state, so every
 * run of one state (resumed, also after kill -9) works on the same branches and reuses kept worktrees.
 * Before a stream task starts, the branches of the streams its upstream tasks ran in are merged into its
 * stream's branch (in merge order), so the worktree holds everything the task needs. After a task its
 * work is committed and the commit's paths are compared with what the task may touch (scope check).
 * Tasks without a stream run in the checkout. After the run the clean worktrees are removed and the
 * branches kept; a worktree with uncommitted changes is kept: that work exists nowhere else.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { globCovers } from '../compiler/analysis/globs.js';
import { branchName, streamMergeOrder } from '../compiler/analysis/streams.js';
import type { PlanModel, TaskModel } from '../compiler/model.js';
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';

export interface StreamWorktree {
  stream: string;
  branch: string;
  path: string;
}

/** What the run state keeps about the branches of a worktree run (see `branches` journal records). */
export interface RecordedBranches {
  base: string;
  /** stream -> branch and the commit execplan last left it at. */
  streams: Record<string, { branch: string; tip: string }>;
}

export interface MergeConflict {
  stream: string;
  branch: string;
  files: string[];
}

type GitResult = { ok: true; output: string } | { ok: false; message: string };

function git(cwd: string, args: string[]): GitResult {
  try {
    return { ok: true, output: execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return { ok: false, message: `git ${args.join(' ')}: ${(e.stderr || e.message).trim().split('\n')[0]}` };
  }
}

const IDENTITY = ['-c', 'user.name=execplan', '-c', 'user.email=execplan@localhost'];

export function repoRoot(dir: string): string | null {
  const r = git(dir, ['rev-parse', '--show-toplevel']);
  return r.ok ? r.output.trim() : null;
}

function revParse(root: string, ref: string): string | null {
  const r = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return r.ok ? r.output.trim() : null;
}

function isAncestor(root: string, a: string, b: string): boolean {
  return git(root, ['merge-base', '--is-ancestor', a, b]).ok;
}

/** Paths with unresolved conflicts in a worktree (during a failed merge), sorted. */
function conflictedFiles(dir: string): string[] {
  const r = git(dir, ['diff', '--name-only', '--diff-filter=U']);
  return r.ok ? r.output.split('\n').filter(Boolean).sort() : [];
}

/**
 * Merges `ref` into the branch checked out in `dir`. A conflict is aborted at once (`git merge --abort`),
 * so the worktree is left exactly as before, and the conflicting files are returned.
 */
export function mergeInto(dir: string, ref: string, message: string): { ok: true } | { ok: false; files: string[]; message: string } {
  const r = git(dir, [...IDENTITY, 'merge', '--no-ff', '--no-edit', '-m', message, ref]);
  if (r.ok) return { ok: true };
  const files = conflictedFiles(dir);
  git(dir, ['merge', '--abort']);
  return { ok: false, files, message: r.message };
}

/** Worktree paths by the branch checked out in them (`git worktree list`). */
function checkedOut(root: string): Map<string, string> {
  const r = git(root, ['worktree', 'list', '--porcelain']);
  const map = new Map<string, string>();
  if (!r.ok) return map;
  let current = '';
  for (const line of r.output.split('\n')) {
    if (line.startsWith('worktree ')) current = line.slice('worktree '.length);
    else if (line.startsWith('branch refs/heads/')) map.set(line.slice('branch refs/heads/'.length), current);
  }
  return map;
}

/** A free branch name: `name`, or `name-2`, `name-3`... when `name` holds work of an earlier state. */
function freeBranch(root: string, name: string, base: string): string {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${name}-${n}`;
    const tip = revParse(root, `refs/heads/${candidate}`);
    if (tip === null || isAncestor(root, tip, base)) return candidate;
  }
}

/** A line of the conflict history (see docs/agents.md, "Conflict history"). */
export interface ConflictRecord {
  ts: string;
  plan: string;
  kind: 'integrate' | 'upstream-merge' | 'out-of-scope';
  streams: string[];
  /** Repository-relative paths. */
  files: string[];
}

export const HISTORY_FILE = path.join('.execplan-history', 'conflicts.jsonl');

/** Appends to the repository's conflict history (append-only JSON lines: merging two copies keeps both). */
export function recordConflict(root: string, record: Omit<ConflictRecord, 'ts'>): void {
  try {
    mkdirSync(path.join(root, '.execplan-history'), { recursive: true });
    appendFileSync(path.join(root, HISTORY_FILE), `${JSON.stringify({ ts: new Date().toISOString(), ...record })}\n`);
  } catch {
    // The history only improves later plans; a read-only checkout must not fail the run.
  }
}

export interface TaskRecord {
  /** Why the task's work could not be committed, or null. */
  problem: string | null;
  /** Paths (relative to the plan's directory) the task's commit changed outside its files/owns, or inside its excludes. */
  outOfScope: string[];
}

export interface WorktreeSession {
  /** In merge order. */
  worktrees: StreamWorktree[];
  base: string;
  /** What to record in the run state (branch names, base, tips). */
  recorded(): RecordedBranches;
  /** Where a task runs: its stream's worktree (at the plan's relative position), or null for the checkout. */
  workdirFor(task: TaskModel): string | null;
  /**
   * Before a stream task starts: merges the branches of the other streams its (transitive) upstream tasks
   * belong to into its stream's branch, in merge order. Null when the worktree is ready; the conflict
   * otherwise (the merge was aborted, the worktree is unchanged).
   */
  bringUpstream(task: TaskModel): MergeConflict | null;
  /** Commits a finished task's changes on its stream's branch and checks the commit against its scope. */
  record(task: TaskModel, trailer: string): TaskRecord;
  /**
   * Commits files execplan writes about the work (hand-off artifacts) on a stream's branch, as a commit of
   * their own: only these paths (relative to the plan's directory) are committed, so a failed task's
   * uncommitted work stays as it is. Files already there with the same content are left alone. Returns why
   * it could not be done, or null (also when nothing changed).
   */
  commitFiles(stream: string, files: ReadonlyArray<{ path: string; content: string }>, message: string): string | null;
  /** Removes the clean worktrees (branches stay) and returns the summary lines. */
  finish(): string;
}

interface StartOptions {
  /** From the run state: the branches of earlier runs of this state. */
  recorded: RecordedBranches | null;
  /**
   * `--fresh`: the state starts over, so branches still holding work of the old state are not taken
   * again: the stream gets `<branch>-2` (then -3...). Without it an existing branch is continued.
   */
  fresh?: boolean;
}

/** Everything upstream of each task (transitively, over scheduled dependencies). */
function upstreamOf(model: PlanModel): (id: string) => Set<string> {
  const deps = new Map<string, string[]>();
  for (const e of model.edges) if (e.scheduled) deps.set(e.to, [...(deps.get(e.to) ?? []), e.from]);
  const memo = new Map<string, Set<string>>();
  const visit = (id: string): Set<string> => {
    const known = memo.get(id);
    if (known) return known;
    const all = new Set<string>();
    memo.set(id, all);
    for (const d of deps.get(id) ?? []) {
      all.add(d);
      for (const x of visit(d)) all.add(x);
    }
    return all;
  };
  return visit;
}

/** The patterns a task may change (its files, its stream's owns) and must not (its boundaries' excludes). */
function scopeOf(model: PlanModel, task: TaskModel): { allowed: string[]; excluded: string[] } {
  const owns = model.streams.find((s) => s.name === task.stream)?.owns ?? [];
  const source = model.source.tasks?.find((t) => t.id === task.id) as { boundaries?: { excludes?: string[] } } | undefined;
  return { allowed: [...task.files, ...owns], excluded: source?.boundaries?.excludes ?? [] };
}

/** Paths outside the allowed patterns or inside an excluded one. With no allowed patterns, only excludes count. */
export function outOfScope(paths: readonly string[], scope: { allowed: string[]; excluded: string[] }): string[] {
  return paths.filter((p) => scope.excluded.some((g) => globCovers(g, p)) || (scope.allowed.length > 0 && !scope.allowed.some((g) => globCovers(g, p))));
}

/** The branch the stream branches start from: the one recorded by earlier runs, else the checked-out branch. */
function resolveBase(root: string, recorded: RecordedBranches | null): Result<string, string> {
  if (recorded) {
    if (revParse(root, `refs/heads/${recorded.base}`) === null)
      return err(`the base branch ${recorded.base} of this run's worktree branches is missing: restore it, or start over with --fresh`);
    return ok(recorded.base);
  }
  const head = git(root, ['symbolic-ref', '-q', '--short', 'HEAD']);
  if (!head.ok) return err(`--worktrees needs a branch checked out to branch from; HEAD is detached (run \`git switch <branch>\` first)`);
  const base = head.output.trim();
  if (revParse(root, 'HEAD') === null) return err(`--worktrees needs a commit to branch from: branch ${base} has no commits yet (commit something first)`);
  return ok(base);
}

/** Why the checkout cannot be branched from as it is (uncommitted tracked changes), or null. */
function uncommittedChanges(root: string): string | null {
  // Tracked changes only: untracked files (.execplan/ itself, build output) are never merged anywhere.
  const dirty = git(root, ['status', '--porcelain', '--untracked-files=no']);
  if (!dirty.ok || dirty.output.trim() === '') return null;
  const files = dirty.output
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3))
    .slice(0, 5);
  return `the checkout has uncommitted changes (${files.join(', ')}): commit or stash them first, so the stream branches start from what you see`;
}

/** Each used stream's branch and worktree folder, in merge order; a recorded branch someone moved is refused. */
function planWorktrees(
  model: PlanModel,
  root: string,
  planDir: string,
  order: ReturnType<typeof streamMergeOrder>,
  used: ReadonlySet<string>,
  baseTip: string,
  options: StartOptions,
): Result<StreamWorktree[], string> {
  const worktreeRoot = path.join(planDir, '.execplan', 'worktrees');
  const byBranch = checkedOut(root);
  const worktrees: StreamWorktree[] = [];
  for (const b of order.branches) {
    if (!used.has(b.stream)) continue;
    const known = options.recorded?.streams[b.stream];
    const name = branchName(model.name, b.stream);
    const branch = known?.branch ?? (options.fresh ? freeBranch(root, name, baseTip) : name);
    const tip = revParse(root, `refs/heads/${branch}`);
    if (known && tip !== null && !isAncestor(root, known.tip, tip)) {
      return err(
        `branch ${branch} (stream ${b.stream}) was moved: it no longer contains ${known.tip.slice(0, 12)}, the commit the last run left it at. Move it back (\`git branch -f ${branch} ${known.tip.slice(0, 12)}\`), or start over with --fresh`,
      );
    }
    const dir = byBranch.get(branch) ?? path.join(worktreeRoot, b.stream.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '') || 'x');
    worktrees.push({ stream: b.stream, branch, path: dir });
  }
  return ok(worktrees);
}

/** Creates (or reuses) the worktrees; on failure removes only what this call made and says why. */
function createWorktrees(root: string, worktrees: readonly StreamWorktree[], baseTip: string): string | null {
  const byBranch = checkedOut(root);
  const made: StreamWorktree[] = [];
  for (const wt of worktrees) {
    if (byBranch.get(wt.branch) === wt.path && existsSync(wt.path)) continue;
    const exists = revParse(root, `refs/heads/${wt.branch}`) !== null;
    if (existsSync(wt.path)) {
      removeWorktrees(root, made, true);
      return `${wt.path} exists but is not the worktree of ${wt.branch}: move it away first`;
    }
    const r = git(root, exists ? ['worktree', 'add', wt.path, wt.branch] : ['worktree', 'add', '-b', wt.branch, wt.path, baseTip]);
    if (!r.ok) {
      removeWorktrees(root, made, true);
      return r.message;
    }
    made.push(wt);
  }
  return null;
}

/** What the session's operations share once the worktrees exist. */
interface SessionContext {
  model: PlanModel;
  root: string;
  /** The plan's directory relative to the repository root. */
  relative: string;
  byStream: Map<string, StreamWorktree>;
  mergeIndex: Map<string, number>;
  upstream: (id: string) => Set<string>;
  streamOf: Map<string, string | null>;
  commitFailures: string[];
  refreshTip: (wt: StreamWorktree) => void;
}

const worktreeOf = (ctx: SessionContext, task: TaskModel) => (task.stream !== null ? ctx.byStream.get(task.stream) : undefined);

function bringUpstream(ctx: SessionContext, task: TaskModel): MergeConflict | null {
  const wt = worktreeOf(ctx, task);
  if (!wt) return null;
  const streams = new Set<string>();
  for (const id of ctx.upstream(task.id)) {
    const s = ctx.streamOf.get(id);
    if (s && s !== task.stream && ctx.byStream.has(s)) streams.add(s);
  }
  const ordered = [...streams].sort((a, b) => ctx.mergeIndex.get(a)! - ctx.mergeIndex.get(b)!);
  for (const s of ordered) {
    const up = ctx.byStream.get(s)!;
    if (isAncestor(wt.path, up.branch, 'HEAD')) continue;
    const r = mergeInto(wt.path, up.branch, `Merge ${up.branch} into ${wt.branch} (upstream of ${task.id})`);
    if (!r.ok) {
      recordConflict(ctx.root, { plan: ctx.model.name, kind: 'upstream-merge', streams: [s, wt.stream], files: r.files });
      return { stream: s, branch: up.branch, files: r.files };
    }
  }
  ctx.refreshTip(wt);
  return null;
}

function recordTask(ctx: SessionContext, task: TaskModel, trailer: string): TaskRecord {
  const wt = worktreeOf(ctx, task);
  if (!wt) return { problem: null, outOfScope: [] };
  const before = revParse(wt.path, 'HEAD');
  const r = commitTask(wt.path, task, trailer);
  ctx.refreshTip(wt);
  if (!r.ok) {
    const problem = `${task.id}: its changes were not committed on ${wt.branch} (${r.message}); they stay in ${wt.path}`;
    ctx.commitFailures.push(problem);
    return { problem, outOfScope: [] };
  }
  if (!r.committed || before === null) return { problem: null, outOfScope: [] };
  const changed = git(wt.path, ['diff', '--name-only', '--no-renames', before, 'HEAD']);
  const inRepo = changed.ok ? changed.output.split('\n').filter(Boolean) : [];
  // Scope patterns are relative to the plan's directory; a path outside it is outside every pattern.
  const paths = inRepo.map((p) => path.relative(ctx.relative, p).split(path.sep).join('/'));
  // execplan's own hand-off files are nobody's scope (one an earlier commit left behind may be swept in).
  const out = outOfScope(
    paths.filter((p) => !/(^|\/)\.execplan-history\/handoffs\//.test(p)),
    scopeOf(ctx.model, task),
  );
  if (out.length)
    recordConflict(ctx.root, { plan: ctx.model.name, kind: 'out-of-scope', streams: [wt.stream], files: out.map((p) => path.join(ctx.relative, p).split(path.sep).join('/')) });
  return { problem: null, outOfScope: out };
}

function commitFiles(ctx: SessionContext, stream: string, files: ReadonlyArray<{ path: string; content: string }>, message: string): string | null {
  const wt = ctx.byStream.get(stream);
  if (!wt || !existsSync(wt.path) || !files.length) return null;
  const paths: string[] = [];
  try {
    for (const f of files) {
      const file = path.join(wt.path, ctx.relative, f.path);
      paths.push(path.relative(wt.path, file).split(path.sep).join('/'));
      if (existsSync(file) && readFileSync(file, 'utf8') === f.content) continue;
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, f.content);
    }
  } catch (error) {
    return `${stream}: could not write into ${wt.path}: ${error instanceof Error ? error.message : String(error)}`;
  }
  // -f: a repository may ignore the folder. Staging every path also picks up one an earlier commit
  // left uncommitted; --only commits just these paths, nothing else staged or changed is swept in.
  const add = git(wt.path, ['add', '-f', '--', ...paths]);
  if (add.ok && git(wt.path, ['diff', '--cached', '--quiet', '--', ...paths]).ok) return null;
  const r = add.ok ? git(wt.path, [...IDENTITY, 'commit', '-q', '--no-verify', '--only', '-m', message, '--', ...paths]) : add;
  ctx.refreshTip(wt);
  return r.ok ? null : `${stream}: hand-off files not committed on ${wt.branch} (${r.message}); they stay in ${wt.path}`;
}

export function startWorktreeSession(
  model: PlanModel,
  planDir: string,
  runId: string,
  options: StartOptions = { recorded: null },
): Result<WorktreeSession, FailureOf<'cannot-start'>> {
  const cannot = (problem: string) => err({ kind: 'cannot-start' as const, problems: [problem] });
  const root = repoRoot(planDir);
  if (!root) return cannot(`--worktrees needs a git repository; ${planDir} is not in one (run \`git init\` and commit, or run without --worktrees)`);
  const based = resolveBase(root, options.recorded);
  if (!based.ok) return cannot(based.error);
  const base = based.value;
  const dirty = uncommittedChanges(root);
  if (dirty) return cannot(dirty);
  const baseTip = revParse(root, `refs/heads/${base}`)!;
  const used = new Set(model.tasks.map((t) => t.stream).filter((s): s is string => s !== null));
  const merge = streamMergeOrder(model);
  const entangled = merge.entangled.map((group) => group.filter((s) => used.has(s))).filter((group) => group.length > 1);
  const planned = planWorktrees(model, root, planDir, merge, used, baseTip, options);
  if (!planned.ok) return cannot(planned.error);
  const worktrees = planned.value;
  const failed = createWorktrees(root, worktrees, baseTip);
  if (failed) return cannot(failed);
  const tips = new Map(worktrees.map((wt) => [wt.stream, revParse(root, `refs/heads/${wt.branch}`)!]));
  const ctx: SessionContext = {
    model,
    root,
    relative: path.relative(root, planDir),
    byStream: new Map(worktrees.map((w) => [w.stream, w])),
    mergeIndex: new Map(merge.branches.map((b, i) => [b.stream, i])),
    upstream: upstreamOf(model),
    streamOf: new Map(model.tasks.map((t) => [t.id, t.stream])),
    commitFailures: [],
    refreshTip: (wt) => tips.set(wt.stream, revParse(root, `refs/heads/${wt.branch}`) ?? tips.get(wt.stream)!),
  };
  return ok({
    worktrees,
    base,
    recorded: () => ({ base, streams: Object.fromEntries(worktrees.map((w) => [w.stream, { branch: w.branch, tip: tips.get(w.stream)! }])) }),
    workdirFor: (task) => {
      const wt = worktreeOf(ctx, task);
      return wt ? path.join(wt.path, ctx.relative) : null;
    },
    bringUpstream: (task) => bringUpstream(ctx, task),
    record: (task, trailer) => recordTask(ctx, task, trailer),
    commitFiles: (stream, files, message) => commitFiles(ctx, stream, files, message),
    finish: () => {
      const summary = worktreeSummary(root, worktrees, entangled, base);
      const { kept } = removeWorktrees(root, worktrees, false);
      const lines = [...ctx.commitFailures.map((p) => `  commit failed: ${p}`), ...kept.map((k) => `  kept ${k.worktree.path} (stream ${k.worktree.stream}): ${k.reason}`)];
      return [summary, ...lines].join('\n');
    },
  });
}

/** Commits whatever a task changed in its worktree, so the stream's branch records each task. */
function commitTask(worktree: string, task: TaskModel, trailer: string): GitResult & { committed?: boolean } {
  const add = git(worktree, ['add', '-A']);
  if (!add.ok) return add;
  const staged = git(worktree, ['diff', '--cached', '--quiet']);
  if (staged.ok) return { ok: true, output: '', committed: false };
  const message = `${task.id}: ${task.title}\n\n${trailer}`;
  const r = git(worktree, [...IDENTITY, 'commit', '-q', '--no-verify', '-m', message]);
  return r.ok ? { ...r, committed: true } : r;
}

const UNFINISHED = 'uncommitted changes of an unfinished task: commit or remove it yourself';

/**
 * Removes the clean worktrees. Never `--force`: a dirty worktree holds the only copy of a failed or
 * interrupted task's work, so it is kept and reported. `deleteNewBranches` (undoing a failed start)
 * deletes a branch only when it has no commits of its own (`git branch -d`, never `-D`).
 */
function removeWorktrees(root: string, worktrees: readonly StreamWorktree[], deleteNewBranches: boolean): { kept: { worktree: StreamWorktree; reason: string }[] } {
  const kept: { worktree: StreamWorktree; reason: string }[] = [];
  for (const wt of worktrees) {
    if (existsSync(wt.path)) {
      const status = git(wt.path, ['status', '--porcelain']);
      if (!status.ok) {
        kept.push({ worktree: wt, reason: status.message });
        continue;
      }
      if (status.output.trim() !== '') {
        kept.push({ worktree: wt, reason: UNFINISHED });
        continue;
      }
      const r = git(root, ['worktree', 'remove', wt.path]);
      if (!r.ok) {
        kept.push({ worktree: wt, reason: r.message });
        continue;
      }
    }
    if (deleteNewBranches) git(root, ['branch', '-d', wt.branch]);
  }
  git(root, ['worktree', 'prune']);
  return { kept };
}

/** A pathspec leaving out the hand-off files a worktree run commits (see committedHandoffDir). */
const HANDOFFS_ONLY_EXCLUDED = ':(glob,exclude)**/.execplan-history/handoffs/**';

/** Each branch with its commit count over base and whether base contains it, in merge order. */
export function branchLines(root: string, worktrees: readonly { stream: string; branch: string }[], base: string): string[] {
  return worktrees.map((wt, i) => {
    // Commits of work: the ones that only add execplan's hand-off files are not counted.
    const count = git(root, ['rev-list', '--count', '--no-merges', `${base}..${wt.branch}`, '--', '.', HANDOFFS_ONLY_EXCLUDED]);
    const commits = count.ok ? Number(count.output.trim()) : 0;
    const merged = isAncestor(root, wt.branch, base) ? `merged into ${base}` : `not merged into ${base}`;
    return `  ${i + 1}. ${wt.branch}  (stream ${wt.stream}, ${commits} commit${commits === 1 ? '' : 's'}, ${merged})`;
  });
}

function worktreeSummary(root: string, worktrees: readonly StreamWorktree[], entangled: readonly string[][], base: string): string {
  const lines = ['Branches (merge in this order; `execplan integrate` merges them):', ...branchLines(root, worktrees, base)];
  for (const group of entangled) lines.push(`  streams ${group.join(', ')} depend on each other: merge them together, or re-plan with better isolation`);
  return lines.join('\n');
}

export interface IntegrateStep {
  stream: string;
  branch: string;
  result: 'merged' | 'already-merged' | 'missing' | 'would-merge';
}

export type IntegrateResult =
  | { ok: true; into: string; created: boolean; steps: IntegrateStep[] }
  | { ok: false; into: string; steps: IntegrateStep[]; conflict: MergeConflict }
  | { ok: false; into: string; steps: IntegrateStep[]; message: string };

/** `integrate --dry-run`: each merge in memory (`git merge-tree`), chained on the last, no ref moved. */
function dryRunMerges(
  root: string,
  branches: readonly { stream: string; branch: string }[],
  start: string,
  into: string,
  created: boolean,
  steps: IntegrateStep[],
): IntegrateResult {
  let head = start;
  for (const b of branches) {
    const tip = revParse(root, `refs/heads/${b.branch}`);
    if (tip === null) steps.push({ ...b, result: 'missing' });
    else if (isAncestor(root, tip, head)) steps.push({ ...b, result: 'already-merged' });
    else {
      // Exit 1 with the conflicted paths after the tree's id; 0 with just the tree's id.
      const r = spawnSync('git', ['merge-tree', '--write-tree', '--name-only', '--no-messages', head, tip], { cwd: root, encoding: 'utf8' });
      if (r.status !== 0) {
        if (r.status !== 1) return { ok: false, into, steps, message: `git merge-tree: ${(r.stderr || '').trim().split('\n')[0]}` };
        const files = [...new Set(r.stdout.split('\n').slice(1).filter(Boolean))].sort();
        return { ok: false, into, steps, conflict: { stream: b.stream, branch: b.branch, files } };
      }
      // Chain the next merge on this result: a commit object only, no ref moves.
      const tree = r.stdout.split('\n')[0]!.trim();
      const commit = git(root, [...IDENTITY, 'commit-tree', tree, '-p', head, '-p', tip, '-m', `dry-run merge of ${b.branch}`]);
      if (!commit.ok) return { ok: false, into, steps, message: commit.message };
      head = commit.output.trim();
      steps.push({ ...b, result: 'would-merge' });
    }
  }
  return { ok: true, into, created, steps };
}

/** Where to merge into `into`: its own checkout when that is clean, else a scratch worktree (to remove afterwards). */
function mergeCheckout(root: string, into: string, scratchDir: string): Result<{ dir: string; scratch: boolean }, string> {
  const dir = checkedOut(root).get(into);
  if (dir !== undefined) {
    const status = git(dir, ['status', '--porcelain', '--untracked-files=no']);
    if (!status.ok || status.output.trim() !== '') return err(`${into} is checked out in ${dir} with uncommitted changes: commit or stash them first`);
    return ok({ dir, scratch: false });
  }
  const r = git(root, ['worktree', 'add', scratchDir, into]);
  return r.ok ? ok({ dir: scratchDir, scratch: true }) : err(r.message);
}

/**
 * Merges the stream branches (in merge order) into `into`, created from `base` when missing, with real
 * git merges in a temporary worktree (the user's checkout is never switched). Stops at the first
 * conflict; that merge is aborted, so `into` holds exactly the streams merged before it. `dryRun`
 * merges in memory (`git merge-tree`) and changes no branch.
 */
export function integrateBranches(
  root: string,
  plan: string,
  branches: readonly { stream: string; branch: string }[],
  base: string,
  into: string,
  options: { dryRun: boolean; scratch: string },
): IntegrateResult {
  const steps: IntegrateStep[] = [];
  const created = revParse(root, `refs/heads/${into}`) === null;
  const start = created ? revParse(root, `refs/heads/${base}`) : revParse(root, `refs/heads/${into}`);
  if (start === null) return { ok: false, into, steps, message: `the base branch ${base} is missing: pass --into an existing branch, or restore ${base}` };
  const conflictOf = (b: { stream: string; branch: string }, files: string[]): IntegrateResult => {
    recordConflict(root, { plan, kind: 'integrate', streams: [b.stream], files });
    return { ok: false, into, steps, conflict: { stream: b.stream, branch: b.branch, files } };
  };
  if (options.dryRun) return dryRunMerges(root, branches, start, into, created, steps);
  if (created) {
    const r = git(root, ['branch', into, start]);
    if (!r.ok) return { ok: false, into, steps, message: r.message };
  }
  // Merge where `into` is checked out when that checkout is clean; else in a scratch worktree.
  const where = mergeCheckout(root, into, options.scratch);
  if (!where.ok) return { ok: false, into, steps, message: where.error };
  const { dir, scratch } = where.value;
  try {
    for (const b of branches) {
      const tip = revParse(root, `refs/heads/${b.branch}`);
      if (tip === null) steps.push({ ...b, result: 'missing' });
      else if (isAncestor(dir, tip, 'HEAD')) steps.push({ ...b, result: 'already-merged' });
      else {
        const r = mergeInto(dir, b.branch, `Merge ${b.branch} (stream ${b.stream}) into ${into}`);
        if (!r.ok) return conflictOf(b, r.files);
        steps.push({ ...b, result: 'merged' });
      }
    }
    return { ok: true, into, created, steps };
  } finally {
    if (scratch) {
      git(root, ['worktree', 'remove', dir]);
      git(root, ['worktree', 'prune']);
    }
  }
}

/** How often each repository-relative file conflicted, from the conflict history (missing file: none). */
export function readConflictHistory(text: string): ConflictRecord[] {
  const records: ConflictRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as ConflictRecord;
      if (r && Array.isArray(r.files) && Array.isArray(r.streams)) records.push(r);
    } catch {
      // A line cut by a concurrent append or a bad merge: the rest still counts.
    }
  }
  return records;
}
