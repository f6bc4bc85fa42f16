/**
 * The agent executor: runs one attempt of an agent task through the runner's TaskExecutor contract.
 * Preflight (before any task runs): every agent task's profile exists and its binary is on PATH, the spec
 * documents are readable, and specs pass a `block` secrets policy. Dispatch: number the agent, render the
 * prompt (task, scope, checks, upstream hand-offs, full specs), apply the secrets policy, spawn the CLI,
 * stream its transcript to the attempt log, report progress and usage, and leave a hand-off record.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { PlanModel, TaskModel } from '../compiler/model.js';
import { parseTimeout } from '../compiler/duration.js';
import { redactSecrets, scanSecrets } from '../secrets/index.js';
import { MAX_SPEC_BYTES, readTextCapped } from '../project/files.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { mkdirPrivate } from '../runner/state-fs.js';
import type { AttemptHandle, AttemptInput, AttemptOutcome, ExecutorContext, KillReason, PreflightProblem, TaskExecutor } from '../runner/executor.js';
import { latestHandoff, readAgentHandoff, readRunState, writeAgentHandoff } from '../runner/handoff-artifacts.js';
import { classifyLimit } from './limits.js';
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

type Agent = ReturnType<typeof taskAgent> & { profile: AgentProfile };

/** Every profile the tasks use exists and its binary is on PATH (each profile checked once). */
function profileProblems(options: AgentExecutorOptions, tasks: readonly TaskModel[], context: ExecutorContext): PreflightProblem[] {
  const { model, profiles, defaultProfile } = options;
  const problems: PreflightProblem[] = [];
  const checked = new Set<string>();
  for (const task of tasks) {
    const agent = taskAgent(model, task, profiles, defaultProfile);
    if (!agent.profile) {
      problems.push({ task: task.id, message: `unknown agent profile '${agent.profileName}' (known: ${Object.keys(profiles).sort().join(', ')})` });
      continue;
    }
    if (checked.has(agent.profileName)) continue;
    checked.add(agent.profileName);
    const binary = agent.profile.command[0]!;
    if (!findExecutable(binary, context.planDir, context.env.PATH))
      problems.push({ task: null, message: `agent command '${binary}' (profile ${agent.profileName}) not found on PATH: ${agent.profile.installHint}` });
  }
  return problems;
}

/** The prompt template and the specs can be read, and specs with possible secrets pass the profiles' policy. */
function promptInputProblems(options: AgentExecutorOptions, tasks: readonly TaskModel[], context: ExecutorContext, notify: (message: string) => void): PreflightProblem[] {
  const { model, profiles, defaultProfile } = options;
  const problems: PreflightProblem[] = [];
  const template = readTemplate(options.templatePath);
  if (!template.ok) problems.push({ task: null, message: template.message });
  const specs = readSpecs(model, context.planDir);
  if (!specs.ok) return [...problems, { task: null, message: specs.message }];
  const policies = new Set(tasks.map((t) => taskAgent(model, t, profiles, defaultProfile).profile?.secrets));
  for (const spec of specs.specs) {
    const findings = scanSecrets(spec.text);
    if (findings.length === 0) continue;
    const list = describeFindings(findings, spec.path);
    if (policies.has('block')) problems.push({ task: null, message: `the spec contains possible secrets and an agent profile blocks them: ${list}` });
    else if (policies.has('warn')) notify(`warning: the spec contains possible secrets (sent unredacted to profiles with secrets: warn): ${list}`);
  }
  return problems;
}

type PromptResult = { ok: true; prompt: string } | { ok: false; message: string };

/** What an attempt reads of the run's state (task statuses, notes, forced completions). */
type RunStateView = ReturnType<typeof readRunState>;

/**
 * The stream session a task continues: the one of the stream's task that finished last (done, same
 * profile, same folder: a CLI finds its sessions by folder). None when the profile cannot continue
 * sessions or turns it off, for a task outside a stream, and after this task's own attempt failed while
 * continuing one (a session the CLI cannot find any more must not fail every retry).
 */
function streamSession(model: PlanModel, task: TaskModel, profile: AgentProfile, cwd: string, stateDir: string, state: RunStateView): { task: string; sessionId: string } | null {
  if (!profile.streamSession || profile.resumeArgs.length === 0 || task.stream === null) return null;
  const own = readAgentHandoff(stateDir, task.id);
  if (own?.continued && (own.isError || own.exitCode !== 0)) return null;
  let best: { task: string; sessionId: string; endedAt: string } | null = null;
  for (const other of model.tasks) {
    if (other.id === task.id || other.stream !== task.stream || !state.status(other.id).startsWith('done')) continue;
    const h = readAgentHandoff(stateDir, other.id);
    if (!h?.sessionId || !h.endedAt || h.profile !== profile.name || h.cwd !== cwd || h.isError || h.exitCode !== 0) continue;
    if (!best || h.endedAt > best.endedAt) best = { task: other.id, sessionId: h.sessionId, endedAt: h.endedAt };
  }
  return best && { task: best.task, sessionId: best.sessionId };
}

/** What preparing one attempt of an agent task works from. */
interface AttemptSetup {
  options: AgentExecutorOptions;
  agent: Agent;
  /** The agent's number in this run (`agent-N`). */
  number: number;
  input: AttemptInput;
  context: ExecutorContext;
  /** A line in the task's log. */
  say: (line: string) => void;
  /** A notice for the person watching the run. */
  notify: (message: string) => void;
}

/** The prompt for one attempt: rendered from the task, its upstream hand-offs and the specs, then the profile's secrets policy. */
function attemptPrompt(setup: AttemptSetup, continues: string | null, state: RunStateView): PromptResult {
  const { options, agent, number, input, context, say, notify } = setup;
  const { model } = options;
  const { task } = input;
  const specs = readSpecs(model, context.planDir);
  if (!specs.ok) return specs;
  const template = readTemplate(options.templatePath);
  if (!template.ok) return template;
  const ctx = buildPromptContext(model, task, {
    agentNumber: number,
    attempt: input.attempt,
    specs: specs.specs,
    note: state.note(task.id),
    continues,
    // A task a person completed by hand (`execplan done --reason`) hands on their words, not what an
    // earlier failed attempt left behind; otherwise its latest hand-off artifact speaks for it.
    upstream: (id) => {
      const handoff = readAgentHandoff(context.stateDir, id);
      const failedHandoff = handoff !== null && (handoff.isError || Boolean(handoff.failure) || (handoff.exitCode !== null && handoff.exitCode !== 0));
      const forced = state.forced(id);
      return {
        status: state.status(id),
        summary:
          forced && (failedHandoff || !handoff) ? `Completed by hand: ${forced}` : (latestHandoff(context.stateDir, id)?.artifact.outcome.summary ?? handoff?.summary ?? null),
      };
    },
  });
  ctx.task.extra = agent.extraPrompt;
  const rendered = renderPrompt(template.text, ctx, path.basename(template.path));
  if (!rendered.ok) return rendered;

  const profile = agent.profile;
  const policy = applySecretsPolicy(profile.secrets, rendered.prompt, 'prompt', profile.name);
  if (policy.action === 'block') {
    say(policy.notice);
    notify(`${task.id}: ${policy.notice}`);
    return { ok: false, message: policy.notice };
  }
  if (policy.notice) {
    say(policy.notice);
    if (profile.secrets === 'warn') notify(`${task.id}: ${policy.notice}`);
  }
  return { ok: true, prompt: policy.text };
}

/** The prompt as sent, beside the attempt log (redacted whatever the policy: logs never hold secrets). */
function keepPromptCopy(input: AttemptInput, prompt: string): void {
  const logDir = path.dirname(input.logPath);
  try {
    // Beside the log, never through a link planted in the state folder.
    mkdirPrivate(logDir);
    writeFileAtomic(path.join(logDir, `${input.attempt}.prompt.md`), redactSecrets(prompt), { fsync: false, mode: 0o600 });
  } catch {
    // informational copy only
  }
}

/** A profile timeout applies when the task sets none (the runner enforces the task's own). */
function profileTimeoutMs(task: TaskModel, profile: AgentProfile): number | null {
  if (task.timeoutSeconds !== null || !profile.timeout) return null;
  const parsed = parseTimeout(profile.timeout);
  return parsed.ok ? parsed.hours * 3600 * 1000 : null;
}

type ParsedOutcome = ReturnType<ReturnType<typeof createOutputParser>['outcome']>;

/**
 * A usage limit or a rate limit, when the attempt did not succeed and what it said matches the profile's
 * limit patterns; Claude's rejected `rate_limit_event` is a usage limit with its exact reset time.
 */
function limitOf(agent: Agent, outcome: AttemptOutcome, result: ParsedOutcome, stderrTail: readonly string[]): Extract<AttemptOutcome, { kind: 'limited' }> | null {
  const succeeded = outcome.kind === 'exited' && outcome.exitCode === 0 && !result.isError;
  if (succeeded || outcome.kind === 'killed') return null;
  const pool = agent.profile.name;
  if (result.rateLimit?.status === 'rejected') {
    const message = result.errorMessage ?? `${result.rateLimit.type ?? 'usage'} limit reached`;
    return { kind: 'limited', limit: 'usage-limit', pool, resetAtMs: result.rateLimit.resetsAtMs, message };
  }
  const texts = [...result.errorTexts, ...(result.isError && result.result ? [result.result] : []), ...(result.lastPlainLine ? [result.lastPlainLine] : []), ...stderrTail];
  const signal = classifyLimit(texts, agent.profile.limits, Date.now());
  return signal ? { kind: 'limited', limit: signal.kind, pool, resetAtMs: signal.resetAtMs, message: signal.message } : null;
}

/** Why the attempt failed, in the agent's own words (its error result, else the CLI's last error line), or null. */
function failureOf(outcome: AttemptOutcome, result: ParsedOutcome, lastError: string | null): string | null {
  const words = result.isError ? result.errorMessage : (result.errorMessage ?? lastError ?? result.lastPlainLine ?? null);
  if (outcome.kind === 'exited' && outcome.exitCode === 0 && result.isError) return `the agent reported an error: ${shortReason(words ?? 'unknown error')}`;
  if (outcome.kind === 'exited' && outcome.exitCode !== 0) return `exited with code ${outcome.exitCode}${words ? `: ${shortReason(words)}` : ''}`;
  return null;
}

function usageLine(label: string, usage: ParsedOutcome['usage']): string {
  return (
    `${label} usage: ${usage.inputTokens} input + ${usage.outputTokens} output tokens` +
    `${usage.cacheReadTokens ? ` (${usage.cacheReadTokens} cached)` : ''}, ${usage.turns} turns, ${usage.toolCalls} tool calls` +
    `${usage.costUsd !== null ? `, $${usage.costUsd.toFixed(4)}` : ''}`
  );
}

/** After the agent exits: its usage reported, its hand-off recorded, and an error it reported while exiting 0 made a failure. */
function endAttempt(
  agent: Agent,
  label: string,
  input: AttemptInput,
  context: ExecutorContext,
  outcome: AttemptOutcome,
  result: ParsedOutcome,
  say: (line: string) => void,
  lastProgress: string | null,
  lastError: string | null,
  stderrTail: readonly string[] = [],
  continued: string | null = null,
): AttemptOutcome {
  const usage = result.usage;
  const ok = outcome.kind === 'exited' && outcome.exitCode === 0 && !result.isError;
  const limited = limitOf(agent, outcome, result, stderrTail);
  const last = `${label}: ${limited ? limited.limit : ok ? 'finished' : 'failed'}`;
  // The result event already said "finished": say it once.
  input.onProgress({
    ...(lastProgress === last || (!ok && lastProgress?.startsWith(`${label}: failed`)) ? {} : { message: last }),
    usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, ...(usage.costUsd !== null ? { costUsd: usage.costUsd } : {}) },
  });
  const failure = failureOf(outcome, result, lastError);
  say(usageLine(label, usage));
  try {
    writeAgentHandoff(context.stateDir, {
      task: input.task.id,
      runId: input.env.EXECPLAN_RUN_ID ?? null,
      attempt: input.attempt,
      agent: label,
      profile: agent.profile.name,
      exitCode: outcome.kind === 'exited' ? outcome.exitCode : null,
      isError: result.isError,
      summary: result.result !== null ? redactSecrets(result.result) : null,
      failure: failure !== null ? redactSecrets(failure) : null,
      usage,
      sessionId: result.sessionId,
      cwd: input.cwd,
      endedAt: new Date().toISOString(),
      continued,
    });
  } catch {
    // the hand-off is context for later prompts, not a result
  }
  if (limited) {
    say(`${label} stopped at a ${limited.limit}: ${limited.message}`);
    return limited;
  }
  // Exit 0 while the agent itself reported an error (is_error, turn.failed) is a failure.
  if (outcome.kind === 'exited' && outcome.exitCode === 0 && result.isError) say(`${label} reported an error although it exited 0: ${result.errorMessage ?? 'unknown error'}`);
  return failure !== null ? { ...outcome, failure } : outcome;
}

type Prepared = { ok: true; invocation: ReturnType<typeof buildInvocation>; session: { task: string; sessionId: string } | null } | { ok: false; message: string };

/** The stream session to continue, the prompt (kept beside the log) and the command line; the prompt file when the profile reads one. */
function prepareInvocation(setup: AttemptSetup): Prepared {
  const { options, agent, input, context } = setup;
  const profile = agent.profile;
  // Read once: both the session choice and the prompt need the tasks' states.
  const state = readRunState(context.stateDir);
  const session = streamSession(options.model, input.task, profile, input.cwd, context.stateDir, state);
  const prepared = attemptPrompt(setup, session?.task ?? null, state);
  if (!prepared.ok) return prepared;
  keepPromptCopy(input, prepared.prompt);
  const invocation = buildInvocation(profile, {
    prompt: prepared.prompt,
    promptFile: path.join(path.dirname(input.logPath), `${input.attempt}.prompt.txt`),
    model: agent.model,
    cwd: input.cwd,
    sessionId: session?.sessionId ?? null,
  });
  if (invocation.promptFile) {
    try {
      writeFileAtomic(invocation.promptFile.path, invocation.promptFile.text, { fsync: false, mode: 0o600 });
    } catch (error) {
      return { ok: false, message: `cannot write the prompt file: ${String(error)}` };
    }
  }
  return { ok: true, invocation, session };
}

/**
 * Reads the agent's output as it comes: every line to the log, stdout through the parser into progress
 * (redacted, with a near-limit warning), and what stderr last said, for the failure reason and limits.
 */
function watchOutput(input: AttemptInput, profile: AgentProfile, label: string, parser: ReturnType<typeof createOutputParser>) {
  const watch = {
    lastError: null as string | null,
    lastProgress: null as string | null,
    // Limit messages often reach stderr only (Gemini's quota errors, Codex's retry exhaustion).
    stderrTail: [] as string[],
    onLine: (line: string, stream: 'stdout' | 'stderr') => {
      // A JSON event line is for the log and the parser; the console shows the parser's progress line.
      input.onLine(line, stream, stream === 'stdout' && profile.output === 'stream-json' && line.trimStart().startsWith('{'));
      if (stream !== 'stdout') {
        if (line.trim()) watch.lastError = line.trim();
        watch.stderrTail.push(line);
        if (watch.stderrTail.length > 20) watch.stderrTail.shift();
        return;
      }
      const progress = parser.line(line);
      // Progress reaches the terminal and the state: it is redacted like the log.
      if (progress) {
        watch.lastProgress = `${label}: ${progress}`;
        const limit = parser.rateLimit();
        // Still allowed, but near the window's end: status shows it until the reset (the runner journals it once).
        const warning =
          limit?.status === 'allowed_warning'
            ? { pool: profile.name, window: limit.type, resetsAt: limit.resetsAtMs !== null ? new Date(limit.resetsAtMs).toISOString() : null }
            : undefined;
        input.onProgress({ message: redactSecrets(watch.lastProgress), ...(warning ? { limitWarning: warning } : {}) });
      }
    },
  };
  return watch;
}

export function agentExecutor(options: AgentExecutorOptions): TaskExecutor {
  const { model, profiles, defaultProfile } = options;
  const notify = options.notify ?? (() => {});
  let agentCount = 0;

  return {
    kind: 'agent',

    pool(task) {
      return taskAgent(model, task, profiles, defaultProfile).profileName;
    },

    async preflight(tasks, context) {
      const problems = profileProblems(options, tasks, context);
      return tasks.length > 0 ? [...problems, ...promptInputProblems(options, tasks, context, notify)] : problems;
    },

    start(input: AttemptInput, context: ExecutorContext): AttemptHandle {
      const { task } = input;
      const say = (line: string): void => input.onLine(`[execplan] ${line}`, 'stderr');
      const found = taskAgent(model, task, profiles, defaultProfile);
      if (!found.profile) return done({ kind: 'error', message: `unknown agent profile '${found.profileName}'` });
      const agent = found as Agent;
      const profile = agent.profile;
      const number = ++agentCount;
      const label = `agent-${number}`;

      // With --worktrees the run command has already pointed a stream task's cwd into its worktree.
      const cwd = input.cwd;
      const prepared = prepareInvocation({ options, agent, number, input, context, say, notify });
      if (!prepared.ok) return done({ kind: 'error', message: prepared.message });
      const { invocation, session } = prepared;
      say(`${label} (${profile.name}): ${[invocation.file, ...invocation.args].map((a) => (a.length > 60 ? `${a.slice(0, 57)}...` : a)).join(' ')}`);
      if (session) say(`${label} continues the session of stream ${task.stream} from task ${session.task} (${session.sessionId})`);
      input.onProgress({ message: `${label} starting (${profile.name}${session ? `, continuing ${session.task}'s session` : ''})` });

      const parser = createOutputParser(profile.output);
      const watch = watchOutput(input, profile, label, parser);
      const proc = spawnAgent({
        // A profile binary given as a path is relative to the plan (as preflight checked it), not to the task's cwd.
        file: invocation.file.includes('/') ? path.resolve(context.planDir, invocation.file) : invocation.file,
        args: invocation.args,
        cwd,
        env: { ...input.env, ...invocation.env, EXECPLAN_AGENT: label, EXECPLAN_AGENT_NUMBER: String(number), EXECPLAN_AGENT_PROFILE: profile.name },
        stdin: invocation.stdin,
        graceMs: options.graceMs ?? 3000,
        timeoutMs: profileTimeoutMs(task, profile),
        onLine: watch.onLine,
      });

      const finished = proc.done.then((outcome): AttemptOutcome => {
        // The prompt file holds the prompt as sent (unredacted with secrets: warn): it lives no longer than the agent.
        if (invocation.promptFile) rmSync(invocation.promptFile.path, { force: true });
        return endAttempt(agent, label, input, context, outcome, parser.outcome(), say, watch.lastProgress, watch.lastError, watch.stderrTail, session?.sessionId ?? null);
      });
      return { pid: proc.pid, done: finished, kill: (reason: KillReason) => proc.kill(reason) };
    },
  };
}

/** A failure reason fits on one line of the FAILED output and the summary. */
function shortReason(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
