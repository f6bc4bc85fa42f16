/** execplan integrate [plan.yaml] [--into BRANCH] [--dry-run]: merge the stream branches in merge order. */
import path from 'node:path';
import { integrateBranches, repoRoot } from '../../agents/worktrees.js';
import { branchName, streamMergeOrder } from '../../compiler/analysis/streams.js';
import { err, ok } from '../../core/result.js';
import { planState } from '../state-input.js';
import { tryLoadState } from '../../runner/store.js';
import { execFileSync } from 'node:child_process';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { loadRunPlan } from '../run-plan-input.js';
import { conflictHistory, replanAdvice } from '../conflict-history.js';

export const integrateCommand: Command = {
  name: 'integrate',
  summary: 'Merge the stream branches of a --worktrees run in merge order onto an integration branch',
  usage: 'execplan integrate [plan.yaml] [--into BRANCH] [--dry-run] [--config FILE]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { into: { type: 'string' }, 'dry-run': { type: 'boolean', short: 'n' }, config: { type: 'string' } }, 1);
    const outcome = await loadRunPlan(io, positionals[0], values.config, 'state');
    if (!outcome.ok) return outcome;
    const { model, input, plan } = outcome.value;
    const root = repoRoot(input.dir);
    if (!root) return err({ kind: 'cannot-start', problems: [`integrate needs a git repository; ${input.dir} is not in one`] });
    // The branches a worktree run recorded in the state; without a state, the names it would use.
    const loaded = tryLoadState(planState(io, input, plan.tasks.keys()));
    const recorded = loaded.ok ? loaded.value.state.branches : undefined;
    let base = recorded?.base;
    if (!base) {
      try {
        base = execFileSync('git', ['symbolic-ref', '-q', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        return err({ kind: 'cannot-start', problems: ['integrate: HEAD is detached and no worktree run recorded a base branch: check out the base branch first'] });
      }
    }
    const used = new Set(model.tasks.map((t) => t.stream).filter((s): s is string => s !== null));
    const branches = streamMergeOrder(model)
      .branches.filter((b) => used.has(b.stream))
      .map((b) => ({ stream: b.stream, branch: recorded?.streams[b.stream]?.branch ?? branchName(model.name, b.stream) }));
    const into = values.into ?? branchName(model.name, 'integration');
    const dryRun = Boolean(values['dry-run']);
    const scratch = path.join(input.dir, '.execplan', 'worktrees', `integration-${process.pid}`);
    const result = integrateBranches(root, model.name, branches, base, into, { dryRun, scratch });
    const verb = { merged: 'merged', 'already-merged': 'already merged', missing: 'no branch (the stream has not run with --worktrees)', 'would-merge': 'merges cleanly' };
    for (const step of result.steps) io.stdout(`  ${step.branch}  (stream ${step.stream}): ${verb[step.result]}\n`);
    if (!result.ok && 'message' in result) return err({ kind: 'cannot-start', problems: [`integrate: ${result.message}`] });
    if (!result.ok) {
      const { stream, branch, files } = result.conflict;
      io.stdout(`  ${branch}  (stream ${stream}): CONFLICT in ${files.join(', ')}\n`);
      const advice = replanAdvice(conflictHistory(input.dir)?.records ?? [], model.name);
      return err({ kind: 'integrate-conflict', stream, branch, into, files, dryRun, advice });
    }
    io.stdout(
      dryRun
        ? `dry run: every stream merges cleanly into ${into}; nothing changed\n`
        : `integrated ${result.steps.filter((s) => s.result === 'merged').length} stream(s) into ${into}${result.created ? ` (created from ${base})` : ''}\n`,
    );
    return ok();
  },
};
