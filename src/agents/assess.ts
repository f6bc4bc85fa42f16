/**
 * `execplan assess`: ask a coding agent for the scope of a spec before any plan exists (single agent,
 * parallel agents, or split the spec first), with the drivers behind it; and the one-task plan that
 * `execplan draft --single` writes when one agent can do it all.
 */
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { defaultThresholds, type AnalysisThresholds } from '../compiler/analysis/thresholds.js';
import { readPackagedTemplate } from '../core/template-files.js';
import { renderTemplate } from '../core/templates.js';
import type { Assessment } from '../types/assessment.js';
import { assessmentSchema } from '../types/assessment-schema.js';
import { askAgent, type AskOptions } from './draft.js';
import { applySecretsPolicy } from './secrets-policy.js';

export type { Assessment };

export function renderAssessPrompt(input: { specText: string; specPath?: string; thresholds?: Partial<AnalysisThresholds>; inventory?: string }): string {
  const t = { ...defaultThresholds, ...input.thresholds };
  return renderTemplate('document', readPackagedTemplate('assess-prompt.njk'), {
    specText: input.specText,
    specPath: input.specPath ?? null,
    singleAgentMaxHours: t.singleAgentMaxHours,
    decompositionHours: t.decompositionHours,
    inventory: input.inventory ?? null,
    schema: JSON.stringify(assessmentSchema, null, 2),
  });
}

const list = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Checks an answer against the assessment schema; the reason names the first field that is wrong. */
export function checkAssessment(value: unknown): { ok: true; assessment: Assessment } | { ok: false; reason: string } {
  const o = value as Partial<Assessment> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { ok: false, reason: 'the answer is not a JSON object' };
  if (!['single-agent', 'multi-agent', 'decomposition-required'].includes(o.recommendation as string))
    return { ok: false, reason: `recommendation must be single-agent, multi-agent or decomposition-required, not ${JSON.stringify(o.recommendation)}` };
  if (!['high', 'medium', 'low'].includes(o.confidence as string)) return { ok: false, reason: `confidence must be high, medium or low, not ${JSON.stringify(o.confidence)}` };
  if (typeof o.rationale !== 'string' || !o.rationale.trim()) return { ok: false, reason: 'rationale is missing' };
  const d = o.drivers;
  if (!d || typeof d !== 'object') return { ok: false, reason: 'drivers are missing' };
  for (const key of ['components', 'integration_points', 'risks'] as const) if (!list(d[key])) return { ok: false, reason: `drivers.${key} must be a list of strings` };
  if (typeof d.estimated_hours !== 'number' || !(d.estimated_hours >= 0)) return { ok: false, reason: 'drivers.estimated_hours must be a number of hours' };
  return {
    ok: true,
    assessment: {
      recommendation: o.recommendation!,
      confidence: o.confidence!,
      rationale: o.rationale,
      drivers: { components: d.components, integration_points: d.integration_points, risks: d.risks, estimated_hours: d.estimated_hours },
    },
  };
}

export type AssessResult = { ok: true; assessment: Assessment } | { ok: false; reason: 'blocked' | 'agent-failed' | 'invalid'; message: string };

export async function assessSpec(options: AskOptions & { prompt: string }): Promise<AssessResult> {
  // What leaves the machine is the spec inside the prompt: the profile's secrets policy decides.
  const policy = applySecretsPolicy(options.profile.secrets, options.prompt, 'prompt', options.profile.name);
  if (policy.action === 'block') return { ok: false, reason: 'blocked', message: policy.notice };
  if (policy.notice) options.say(policy.notice);
  options.say(`asking ${options.profile.name} for a scope assessment`);
  const answer = await askAgent(options, policy.text, assessmentSchema);
  if (!answer.ok) return { ok: false, reason: 'agent-failed', message: answer.error };
  let value = answer.value.structured;
  if (value === undefined || value === null) {
    const text = answer.value.result?.trim() ?? '';
    const fenced = /```(?:json|ya?ml)?[ \t]*\n([\s\S]*?)\n```/.exec(text);
    try {
      value = parseYaml(fenced ? fenced[1]! : text);
    } catch {
      value = null;
    }
  }
  const checked = checkAssessment(value);
  if (!checked.ok) return { ok: false, reason: 'invalid', message: `${options.profile.name} answered with no usable assessment: ${checked.reason}` };
  return checked;
}

export function renderAssessment(a: Assessment): string {
  const lines = [`scope: ${a.recommendation} (confidence ${a.confidence})`, a.rationale.trim(), `estimated effort: ${a.drivers.estimated_hours} h`];
  const section = (title: string, items: string[]) => items.length && lines.push(`${title}:`, ...items.map((i) => `  - ${i}`));
  section('components', a.drivers.components);
  section('integration points', a.drivers.integration_points);
  section('risks', a.drivers.risks);
  return `${lines.join('\n')}\n`;
}

/**
 * The fast path for small work: a plan of one agent task that carries the whole spec (agents receive
 * the plan's spec in full), exported to beads as one issue.
 */
export function singleTaskPlan(input: { name: string; title: string; specPath: string; profile: string; assessment: Assessment }): string {
  const a = input.assessment;
  const hours = Math.max(0.5, Math.round(a.drivers.estimated_hours * 2) / 2);
  // Quoted only where YAML needs it, as a person would write it.
  const q = (s: string) => stringifyYaml(s.replace(/\s+/g, ' '), { lineWidth: 0 }).trimEnd();
  const lines = [
    `# One-task plan written by \`execplan draft --single\`: the assessment was ${a.recommendation} (confidence ${a.confidence}).`,
    `# ${a.rationale.trim().replace(/\n+/g, ' ')}`,
    '# The task carries the whole spec; for a plan of several tasks run `execplan draft` without --single.',
    'version: 1',
    `name: ${input.name}`,
    `title: ${q(input.title)}`,
    `spec: ${q(input.specPath)}`,
    '',
    'tasks:',
    '  - id: implement',
    `    title: ${q(`Implement ${input.title}`)}`,
    `    description: ${q(`Implement everything ${input.specPath} asks for, in one session.`)}`,
    `    estimate: ${hours}`,
    `    risk: ${a.drivers.risks.length > 2 ? 'high' : a.drivers.risks.length ? 'medium' : 'low'}`,
    `    agent: { profile: ${q(input.profile)} }`,
    '    acceptance:',
    `      - ${q(`Every requirement in ${input.specPath} is met`)}`,
  ];
  if (a.drivers.components.length) lines.push('    steps:', ...a.drivers.components.map((c) => `      - ${q(c)}`));
  return `${lines.join('\n')}\n`;
}
