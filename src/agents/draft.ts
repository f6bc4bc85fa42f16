/**
 * `execplan draft`: ask a coding agent to write plan.yaml for a spec, validate the answer the way
 * `execplan validate` does, and feed the diagnostics (the `validate --format json` shape) back for up to N
 * repair rounds. Each round is a fresh agent invocation carrying the previous answer and its diagnostics.
 */
import type { FailureOf } from '../core/failure.js';
import { err, ok, type Result } from '../core/result.js';
import { stringify as stringifyYaml } from 'yaml';
import { hasErrors, type Diagnostic } from '../compiler/diagnostic.js';
import { planSchema } from '../types/plan-schema.js';
import { createOutputParser, type AgentOutcome } from './output.js';
import { buildInvocation, type AgentProfile } from './profiles.js';
import { applySecretsPolicy } from './secrets-policy.js';
import { spawnAgent } from './spawn.js';

interface DraftOptions {
  /** The authoring prompt (rules, example, schema and the full spec), as `execplan prompt` renders it. */
  authoringPrompt: string;
  profile: AgentProfile;
  model: string | null;
  /** Repair rounds after the first answer. */
  rounds: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The output file as the user named it: diagnostics point into it. */
  planFile: string;
  /** Validates an answer as `execplan validate` would (config layers, spec files on disk). */
  validate: (text: string) => Promise<Diagnostic[]>;
  /** Progress for the user (one line each). */
  say: (line: string) => void;
  /** Each raw output line of the agent (for --verbose). */
  onLine?: (line: string) => void;
}

interface DraftRound {
  round: number;
  diagnostics: Diagnostic[];
}

/** Why no plan came out; `invalid` keeps the last answer, for the CLI to save beside the plan. */
type DraftFailure = (FailureOf<'agent-blocked' | 'agent-failed'> | { kind: 'invalid'; yaml: string; diagnostics: Diagnostic[] }) & { rounds: DraftRound[] };
type DraftResult = Result<{ yaml: string; rounds: DraftRound[] }, DraftFailure>;

const ANSWER_RULES = 'Answer with the complete plan only: one YAML document (or the JSON object), no commentary before or after it, no Markdown fences.';

function firstPrompt(authoring: string): string {
  return `${authoring.trimEnd()}\n\n${ANSWER_RULES}\n`;
}

function repairPrompt(authoring: string, previous: string, diagnostics: readonly Diagnostic[]): string {
  return (
    `${authoring.trimEnd()}\n\n` +
    `Your previous answer was not a valid plan. Here it is:\n\n<previous-plan>\n${previous.trimEnd()}\n</previous-plan>\n\n` +
    `\`execplan validate --format json\` reported these problems (line and col point into the previous plan):\n\n` +
    `${JSON.stringify(diagnostics, null, 2)}\n\n` +
    `Fix every error (warnings are worth fixing too) and keep everything that was right. ${ANSWER_RULES}\n`
  );
}

/** The plan text inside an agent's answer: structured output, a JSON object, or YAML (fences removed). */
function extractPlanText(outcome: AgentOutcome): string | null {
  if (outcome.structured !== undefined && outcome.structured !== null && typeof outcome.structured === 'object') {
    return stringifyYaml(outcome.structured, { lineWidth: 0 });
  }
  const text = outcome.result?.trim();
  if (!text) return null;
  const fenced = /```(?:ya?ml|json)?[ \t]*\n([\s\S]*?)\n```/.exec(text);
  const body = (fenced ? fenced[1]! : text).trim();
  if (body.startsWith('{')) {
    try {
      return stringifyYaml(JSON.parse(body), { lineWidth: 0 });
    } catch {
      return `${body}\n`;
    }
  }
  // A YAML answer stays as written (comments and order included); the validator reports syntax errors.
  return `${body}\n`;
}

/** What asking an agent one question needs (draft and assess share it). */
export type AskOptions = Pick<DraftOptions, 'profile' | 'model' | 'cwd' | 'env' | 'say' | 'onLine'>;

/** One agent invocation: the prompt on stdin, the answer constrained to `jsonSchema` where the CLI supports it. */
export async function askAgent(options: AskOptions, prompt: string, jsonSchema: object = planSchema): Promise<Result<AgentOutcome, string>> {
  const invocation = buildInvocation(options.profile, {
    prompt,
    promptFile: null,
    model: options.model,
    cwd: options.cwd,
    jsonSchema: JSON.stringify(jsonSchema),
  });
  if (invocation.promptFile === null && options.profile.promptVia === 'file') {
    return err(`profile ${options.profile.name} passes the prompt in a file, which execplan draft does not support; use stdin`);
  }
  const parser = createOutputParser(options.profile.output);
  const stderr: string[] = [];
  const proc = spawnAgent({
    file: invocation.file,
    args: invocation.args,
    cwd: options.cwd,
    env: { ...options.env, ...invocation.env },
    stdin: invocation.stdin,
    graceMs: 2000,
    onLine: (line, stream) => {
      options.onLine?.(line);
      if (stream === 'stderr') stderr.push(line);
      else {
        const progress = parser.line(line);
        if (progress) options.say(`  ${progress}`);
      }
    },
  });
  const outcome = await proc.done;
  const result = parser.outcome();
  if (outcome.kind !== 'exited' || outcome.exitCode !== 0 || result.isError) {
    const how = outcome.kind === 'exited' ? `exited ${outcome.exitCode}` : outcome.kind === 'error' ? outcome.message : outcome.kind;
    const detail = result.errorMessage ?? stderr.slice(-3).join(' | ');
    return err(`${options.profile.name} failed (${how})${detail ? `: ${detail}` : ''}`);
  }
  return ok(result);
}

export async function draftPlan(options: DraftOptions): Promise<DraftResult> {
  const rounds: DraftRound[] = [];
  // What leaves the machine is the spec inside the authoring prompt: the profile's policy decides.
  const policy = applySecretsPolicy(options.profile.secrets, options.authoringPrompt, 'prompt', options.profile.name);
  if (policy.action === 'block') return err({ kind: 'agent-blocked', notice: policy.notice, rounds });
  if (policy.notice) options.say(policy.notice);
  const authoring = policy.text;

  let prompt = firstPrompt(authoring);
  let last = '';
  let diagnostics: Diagnostic[] = [];
  for (let round = 0; round <= options.rounds; round++) {
    options.say(
      round === 0 ? `asking ${options.profile.name} for a plan` : `repair round ${round} of ${options.rounds}: ${diagnostics.filter((d) => d.severity === 'error').length} errors`,
    );
    const answer = await askAgent(options, prompt);
    if (!answer.ok) return err({ kind: 'agent-failed', message: answer.error, rounds });
    const text = extractPlanText(answer.value);
    last = text ?? '';
    diagnostics =
      text === null
        ? [{ file: options.planFile, line: 1, col: 1, severity: 'error', code: 'empty-answer', message: 'the agent answered with no plan', path: [] }]
        : await options.validate(text);
    rounds.push({ round, diagnostics });
    if (!hasErrors(diagnostics)) return ok({ yaml: last, rounds });
    prompt = repairPrompt(authoring, last, diagnostics);
  }
  return err({ kind: 'invalid', yaml: last, diagnostics, rounds });
}

/** The header written above a drafted plan (no date: same answer, same file). */
export function draftHeader(specPath: string, profile: string, rounds: number): string {
  return (
    `# Generated by \`execplan draft\` from ${specPath} with the ${profile} agent profile ` +
    `(${rounds} round${rounds === 1 ? '' : 's'}); validated by execplan validate.\n` +
    `# Review it before running: execplan compile && execplan run --dry-run\n`
  );
}
