/**
 * `--worktrees`: each stream works in its own git worktree (`.execplan/worktrees/<stream>-<run-id>`) on the
 * stream's branch `execplan/<plan>/<stream>`, the one tasks.json records (one branchName, in the compiler).
 * A later run continues on the branch an earlier one left. Tasks without a stream run in the checkout.
 * After the run the clean worktrees are removed and the branches kept, listed in the merge order the
 * compiler computes (upstream streams first, from cross-stream dependencies). A worktree with uncommitted
 * changes (a task failed, was interrupted, or its commit failed) is kept: that work exists nowhere else.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { streamMergeOrder } from '../compiler/analysis/streams.js';
import type { PlanModel, TaskModel } from '../compiler/model.js';
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';

export interface StreamWorktree {
  stream: string;
  branch: string;
  path: string;
}

/** A path component from a stream name and a run id (unique per run: a kept worktree never collides). */
function dirName(stream: string, runId: string): string {
  return `${stream}-${runId}`.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '') || 'x';
}

/**
 * The streams that have tasks, in merge order, with their branch and worktree path, and the groups of
 * those streams that depend on each other.
 */
function planWorktrees(model: PlanModel, runId: string, worktreeRoot: string): { worktrees: StreamWorktree[]; entangled: string[][] } {
  const used = new Set(model.tasks.map((t) => t.stream).filter((s): s is string => s !== null));
  const merge = streamMergeOrder(model);
  const worktrees = merge.branches.filter((b) => used.has(b.stream)).map((b) => ({ stream: b.stream, branch: b.branch, path: path.join(worktreeRoot, dirName(b.stream, runId)) }));
  const entangled = merge.entangled.map((group) => group.filter((s) => used.has(s))).filter((group) => group.length > 1);
  return { worktrees, entangled };
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

function repoRoot(dir: string): string | null {
  const r = git(dir, ['rev-parse', '--show-toplevel']);
  return r.ok ? r.output.trim() : null;
}

/**
 * Creates every stream's worktree: on its branch when an earlier run left it (that work goes on), else on
 * a new branch from `base`. On failure removes the worktrees already made, and the branches made for them.
 */
function createWorktrees(root: string, worktrees: readonly StreamWorktree[], base = 'HEAD'): GitResult {
  const made: StreamWorktree[] = [];
  const newBranches: StreamWorktree[] = [];
  for (const wt of worktrees) {
    const exists = git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${wt.branch}`]).ok;
    let r = git(root, exists ? ['worktree', 'add', wt.path, wt.branch] : ['worktree', 'add', '-b', wt.branch, wt.path, base]);
    if (!r.ok && exists) r = { ok: false, message: `${r.message} (branch ${wt.branch} is left from an earlier run: commit or remove a worktree that still has it checked out)` };
    if (!r.ok) {
      removeWorktrees(root, made);
      removeWorktrees(root, newBranches, { deleteBranches: true });
      return r;
    }
    (exists ? made : newBranches).push(wt);
  }
  return { ok: true, output: '' };
}

/** Commits whatever a task changed in its worktree, so the stream's branch records each task. */
function commitTask(worktree: string, task: TaskModel, trailer: string): GitResult & { committed?: boolean } {
  const add = git(worktree, ['add', '-A']);
  if (!add.ok) return add;
  const staged = git(worktree, ['diff', '--cached', '--quiet']);
  if (staged.ok) return { ok: true, output: '', committed: false };
  const message = `${task.id}: ${task.title}\n\n${trailer}`;
  const r = git(worktree, ['-c', 'user.name=execplan', '-c', 'user.email=execplan@localhost', 'commit', '-q', '--no-verify', '-m', message]);
  return r.ok ? { ...r, committed: true } : r;
}

interface RemoveResult {
  /** Worktrees left in place: uncommitted changes, or git would not remove them. */
  kept: { worktree: StreamWorktree; reason: string }[];
}

const UNFINISHED = 'uncommitted changes of an unfinished task: commit or remove it yourself';

/**
 * Removes the clean worktrees (branches stay for merging unless deleteBranches). Never `--force`: a dirty
 * worktree holds the only copy of a failed or interrupted task's work, so it is kept and reported.
 */
function removeWorktrees(root: string, worktrees: readonly StreamWorktree[], options: { deleteBranches?: boolean } = {}): RemoveResult {
  const kept: RemoveResult['kept'] = [];
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
    if (options.deleteBranches) git(root, ['branch', '-D', wt.branch]);
  }
  git(root, ['worktree', 'prune']);
  return { kept };
}

/** The summary lines: each branch with its commit count over base, in merge order (the worktrees' order). */
function worktreeSummary(root: string, worktrees: readonly StreamWorktree[], entangled: readonly string[][], base: string): string {
  const lines = ['Branches (merge in this order):'];
  worktrees.forEach((wt, i) => {
    const count = git(root, ['rev-list', '--count', `${base}..${wt.branch}`]);
    const commits = count.ok ? Number(count.output.trim()) : 0;
    lines.push(`  ${i + 1}. ${wt.branch}  (stream ${wt.stream}, ${commits} commit${commits === 1 ? '' : 's'})`);
  });
  for (const group of entangled) lines.push(`  streams ${group.join(', ')} depend on each other: merge them together, or re-plan with better isolation`);
  return lines.join('\n');
}

export interface WorktreeSession {
  /** In merge order. */
  worktrees: StreamWorktree[];
  /** Where a task runs: its stream's worktree (at the plan's relative position), or null for the checkout. */
  workdirFor(task: TaskModel): string | null;
  /**
   * Records a finished task's changes on its stream's branch (trailer: the commit body, e.g. the run id).
   * Returns why the commit failed, or null; the changes then stay uncommitted in the worktree (kept by finish).
   */
  commit(task: TaskModel, trailer: string): string | null;
  /**
   * Removes the clean worktrees (branches stay) and returns the summary: the merge order, the worktrees kept
   * (with their path and why) and the commits that failed.
   */
  finish(): string;
}

export function startWorktreeSession(model: PlanModel, planDir: string, runId: string): Result<WorktreeSession, FailureOf<'cannot-start'>> {
  const cannot = (problem: string) => err({ kind: 'cannot-start' as const, problems: [problem] });
  const root = repoRoot(planDir);
  if (!root) return cannot(`--worktrees needs a git repository; ${planDir} is not in one`);
  const head = git(root, ['rev-parse', 'HEAD']);
  if (!head.ok) return cannot(`--worktrees needs a commit to branch from: ${head.message}`);
  const base = head.output.trim();
  const { worktrees, entangled } = planWorktrees(model, runId, path.join(planDir, '.execplan', 'worktrees'));
  const created = createWorktrees(root, worktrees, base);
  if (!created.ok) return cannot(created.message);
  const byStream = new Map(worktrees.map((w) => [w.stream, w]));
  const relative = path.relative(root, planDir);
  const commitFailures: string[] = [];
  return ok({
    worktrees,
    workdirFor: (task) => {
      const wt = task.stream !== null ? byStream.get(task.stream) : undefined;
      return wt ? path.join(wt.path, relative) : null;
    },
    commit: (task, trailer) => {
      const wt = task.stream !== null ? byStream.get(task.stream) : undefined;
      if (!wt) return null;
      const r = commitTask(wt.path, task, trailer);
      if (r.ok) return null;
      const problem = `${task.id}: its changes were not committed on ${wt.branch} (${r.message}); they stay in ${wt.path}`;
      commitFailures.push(problem);
      return problem;
    },
    finish: () => {
      const summary = worktreeSummary(root, worktrees, entangled, base);
      const { kept } = removeWorktrees(root, worktrees);
      const lines = [...commitFailures.map((p) => `  commit failed: ${p}`), ...kept.map((k) => `  kept ${k.worktree.path} (stream ${k.worktree.stream}): ${k.reason}`)];
      return [summary, ...lines].join('\n');
    },
  });
}
