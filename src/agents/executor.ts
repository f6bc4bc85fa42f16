/**
 * The agent executor: runs one attempt of an agent task through the runner's TaskExecutor contract.
 * Preflight (before any task runs): every agent task's profile exists and its binary is on PATH, the spec
 * documents are readable, and specs pass a `block` secrets policy. Dispatch: number the agent, render the
 * prompt (task, scope, checks, upstream hand-offs, full specs), apply the secrets policy, spawn the CLI,
 * stream its transcript to the attempt log, report progress and usage, and leave a hand-off record.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PlanModel } from '../compiler/model.js';
import { parseTimeout } from '../compiler/duration.js';
import { redactSecrets, scanSecrets } from '../secrets/index.js';
import { MAX_SPEC_BYTES, readTextCapped } from '../project/files.js';
import { writePrivateFile } from '../runner/state-fs.js';
import type { AttemptHandle, AttemptInput, AttemptOutcome, ExecutorContext, KillReason, PreflightProblem, TaskExecutor } from './executor-types.js';
import { readHandoff, readRunState, writeHandoff } from './handoff.js';
import { createOutputParser } from './output.js';
import { buildInvocation, type AgentProfile } from './profiles.js';
import { buildPromptContext, readTemplate, renderPrompt, specPaths, type SpecDocument } from './prompt.js';
import { applySecretsPolicy, describeFindings } from './secrets-policy.js';
import { spawnAgent } from './spawn.js';
import { taskAgent } from './task-agent.js';
import { findExecutable } from './which.js';

interface AgentExecutorOptions {
  model: PlanModel;
  profiles: Record<string, AgentProfile>;
  defaultProfile: string;
  /** A user template replacing templates/agent-prompt.njk, or null. */
  templatePath: string | null;
  /** Where notices that need a person go (secret warnings); the CLI prints them. */
  notify?: (message: string) => void;
  /** Milliseconds between SIGTERM and SIGKILL when stopping an agent. */
  graceMs?: number;
}

type SpecsResult = { ok: true; specs: SpecDocument[] } | { ok: false; message: string };

function readSpecs(model: PlanModel, planDir: string): SpecsResult {
  const specs: SpecDocument[] = [];
  for (const spec of specPaths(model)) {
    try {
      // Bounded: validation refuses devices and oversized specs, and this read never goes past the limit either.
      const text = readTextCapped(path.resolve(planDir, spec));
      if (text === null) return { ok: false, message: `cannot read the spec ${spec} (named by the plan's spec:): not UTF-8 text under ${MAX_SPEC_BYTES / 1024 / 1024} MiB` };
      specs.push({ path: spec, text });
    } catch (error) {
      return { ok: false, message: `cannot read the spec ${spec} (named by the plan's spec:): ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
    }
  }
  return { ok: true, specs };
}

const done = (outcome: AttemptOutcome): AttemptHandle => ({ pid: null, done: Promise.resolve(outcome), kill() {} });

export function agentExecutor(options: AgentExecutorOptions): TaskExecutor {
  const { model, profiles, defaultProfile } = options;
  const notify = options.notify ?? (() => {});
  let agentCount = 0;

  return {
    kind: 'agent',

    async preflight(tasks, context) {
      const problems: PreflightProblem[] = [];
      const checked = new Map<string, string | null>();
      for (const task of tasks) {
        const agent = taskAgent(model, task, profiles, defaultProfile);
        if (!agent.profile) {
          problems.push({ task: task.id, message: `unknown agent profile '${agent.profileName}' (known: ${Object.keys(profiles).sort().join(', ')})` });
          continue;
        }
        if (!checked.has(agent.profileName)) {
          const binary = agent.profile.command[0]!;
          const found = findExecutable(binary, context.planDir, context.env.PATH);
          checked.set(agent.profileName, found);
          if (!found) problems.push({ task: null, message: `agent command '${binary}' (profile ${agent.profileName}) not found on PATH: ${agent.profile.installHint}` });
        }
      }
      if (tasks.length > 0) {
        const template = readTemplate(options.templatePath);
        if (!template.ok) problems.push({ task: null, message: template.message });
        const specs = readSpecs(model, context.planDir);
        if (!specs.ok) problems.push({ task: null, message: specs.message });
        else {
          const policies = new Set(tasks.map((t) => taskAgent(model, t, profiles, defaultProfile).profile?.secrets));
          for (const spec of specs.specs) {
            const findings = scanSecrets(spec.text);
            if (findings.length === 0) continue;
            const list = describeFindings(findings, spec.path);
            if (policies.has('block')) problems.push({ task: null, message: `the spec contains possible secrets and an agent profile blocks them: ${list}` });
            else if (policies.has('warn')) notify(`warning: the spec contains possible secrets (sent unredacted to profiles with secrets: warn): ${list}`);
          }
        }
      }
      return problems;
    },

    start(input: AttemptInput, context: ExecutorContext): AttemptHandle {
      const { task } = input;
      const say = (line: string): void => input.onLine(`[execplan] ${line}`, 'stderr');
      const agent = taskAgent(model, task, profiles, defaultProfile);
      if (!agent.profile) return done({ kind: 'error', message: `unknown agent profile '${agent.profileName}'` });
      const profile = agent.profile;
      const number = ++agentCount;
      const label = `agent-${number}`;

      const specs = readSpecs(model, context.planDir);
      if (!specs.ok) return done({ kind: 'error', message: specs.message });
      const template = readTemplate(options.templatePath);
      if (!template.ok) return done({ kind: 'error', message: template.message });
      const state = readRunState(context.stateDir);
      const ctx = buildPromptContext(model, task, {
        agentNumber: number,
        attempt: input.attempt,
        specs: specs.specs,
        note: state.note(task.id),
        upstream: (id) => ({ status: state.status(id), summary: readHandoff(context.stateDir, id)?.summary ?? null }),
      });
      ctx.task.extra = agent.extraPrompt;
      const rendered = renderPrompt(template.text, ctx, path.basename(template.path));
      if (!rendered.ok) return done({ kind: 'error', message: rendered.message });

      const policy = applySecretsPolicy(profile.secrets, rendered.prompt, 'prompt', profile.name);
      if (policy.action === 'block') {
        say(policy.notice);
        notify(`${task.id}: ${policy.notice}`);
        return done({ kind: 'error', message: policy.notice });
      }
      if (policy.notice) {
        say(policy.notice);
        if (profile.secrets === 'warn') notify(`${task.id}: ${policy.notice}`);
      }
      const prompt = policy.text;

      // The prompt as sent, beside the attempt log (redacted whatever the policy: logs never hold secrets).
      const logDir = path.dirname(input.logPath);
      const promptCopy = path.join(logDir, `${input.attempt}.prompt.md`);
      try {
        writePrivateFile(promptCopy, redactSecrets(prompt));
      } catch {
        // informational copy only
      }
      // With --worktrees the run command has already pointed a stream task's cwd into its worktree.
      const cwd = input.cwd;
      const invocation = buildInvocation(profile, { prompt, promptFile: path.join(logDir, `${input.attempt}.prompt.txt`), model: agent.model, cwd });
      if (invocation.promptFile) {
        try {
          writePrivateFile(invocation.promptFile.path, invocation.promptFile.text);
        } catch (error) {
          return done({ kind: 'error', message: `cannot write the prompt file: ${String(error)}` });
        }
      }
      say(`${label} (${profile.name}): ${[invocation.file, ...invocation.args].map((a) => (a.length > 60 ? `${a.slice(0, 57)}...` : a)).join(' ')}`);
      input.onProgress({ message: `${label} starting (${profile.name})` });

      // A profile timeout applies when the task sets none (the runner enforces the task's own).
      let timeoutMs: number | null = null;
      if (task.timeoutSeconds === null && profile.timeout) {
        const parsed = parseTimeout(profile.timeout);
        if (parsed.ok) timeoutMs = parsed.hours * 3600 * 1000;
      }

      const parser = createOutputParser(profile.output);
      const proc = spawnAgent({
        // A profile binary given as a path is relative to the plan (as preflight checked it), not to the task's cwd.
        file: invocation.file.includes('/') ? path.resolve(context.planDir, invocation.file) : invocation.file,
        args: invocation.args,
        cwd,
        env: { ...input.env, ...invocation.env, EXECPLAN_AGENT: label, EXECPLAN_AGENT_NUMBER: String(number), EXECPLAN_AGENT_PROFILE: profile.name },
        stdin: invocation.stdin,
        graceMs: options.graceMs ?? 3000,
        timeoutMs,
        onLine: (line, stream) => {
          input.onLine(line, stream);
          if (stream !== 'stdout') return;
          const progress = parser.line(line);
          // Progress reaches the terminal and the state: it is redacted like the log.
          if (progress) input.onProgress({ message: redactSecrets(`${label}: ${progress}`) });
        },
      });

      const finished = proc.done.then((outcome): AttemptOutcome => {
        // The prompt file holds the prompt as sent (unredacted with secrets: warn): it lives no longer than the agent.
        if (invocation.promptFile) rmSync(invocation.promptFile.path, { force: true });
        const result = parser.outcome();
        const usage = result.usage;
        input.onProgress({
          message: `${label}: ${outcome.kind === 'exited' && outcome.exitCode === 0 && !result.isError ? 'finished' : 'failed'}`,
          usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, ...(usage.costUsd !== null ? { costUsd: usage.costUsd } : {}) },
        });
        say(
          `${label} usage: ${usage.inputTokens} input + ${usage.outputTokens} output tokens` +
            `${usage.cacheReadTokens ? ` (${usage.cacheReadTokens} cached)` : ''}, ${usage.turns} turns, ${usage.toolCalls} tool calls` +
            `${usage.costUsd !== null ? `, $${usage.costUsd.toFixed(4)}` : ''}`,
        );
        try {
          writeHandoff(context.stateDir, {
            task: task.id,
            runId: input.env.EXECPLAN_RUN_ID ?? null,
            attempt: input.attempt,
            agent: label,
            profile: profile.name,
            exitCode: outcome.kind === 'exited' ? outcome.exitCode : null,
            isError: result.isError,
            summary: result.result !== null ? redactSecrets(result.result) : null,
            usage,
            sessionId: result.sessionId,
          });
        } catch {
          // the hand-off is context for later prompts, not a result
        }
        // Exit 0 while the agent itself reported an error (is_error, turn.failed) is a failure.
        if (outcome.kind === 'exited' && outcome.exitCode === 0 && result.isError) {
          say(`${label} reported an error although it exited 0: ${result.errorMessage ?? 'unknown error'}`);
          return { kind: 'exited', exitCode: 1 };
        }
        return outcome;
      });
      return { pid: proc.pid, done: finished, kill: (reason: KillReason) => proc.kill(reason) };
    },
  };
}
