/**
 * The agent prompt: a context built from the plan model (pure) rendered with templates/agent-prompt.njk
 * (or the config's prompt_template). The spec documents go in whole, never trimmed: an agent that
 * sees part of the spec invents the rest.
 */
import { packagedTemplatePath, readTemplateFile, type TemplateFile } from '../core/template-files.js';
import { renderTemplate } from '../core/templates.js';
import type { PlanModel, TaskModel } from '../compiler/model.js';
import type { AcceptanceCheck } from '../types/plan.js';

export interface UpstreamResult {
  id: string;
  title: string;
  /** done, failed, skipped, pending, ... as the run state says; 'unknown' without state. */
  status: string;
  hard: boolean;
  /** The upstream agent's hand-off summary (its final message), when it was an agent task. */
  summary: string | null;
}

export interface SpecDocument {
  path: string;
  text: string;
}

export interface PromptContext {
  agent: { label: string; number: number };
  plan: { name: string; title: string };
  task: {
    id: string;
    title: string;
    description: string;
    steps: string[];
    extra: string | null;
    note: string | null;
    attempt: number;
    complexity: string | null;
    stopWhen: string | null;
    /** How to report while working (`guidance`): log lines and checkpoints. */
    guidance: { onStart: string | null; onProgress: string | null; onCompletion: string | null; logFormat: string | null; checkpoints: string[] } | null;
    /** Interfaces the task must deliver, and those it builds on. */
    produces: string[];
    consumes: string[];
    criteria: string[];
    checks: string[];
    test: string | null;
    isTestTask: boolean;
    testsFor: string | null;
  };
  scope: { may: string[]; mustNot: string[] };
  stream: { name: string; title: string | null; owns: string[] } | null;
  skills: string[];
  /**
   * The stream's communication rows; for a row this stream receives, `delivered` holds the sending
   * stream's finished tasks of that phase (all its tasks without `after`) with their hand-offs.
   */
  communication: { from: string; to: string; after: string | null; what: string; delivered: { id: string; title: string; summary: string }[] }[];
  /** The earlier task of the stream whose agent session this one continues, or null for a new session. */
  session: { continues: string } | null;
  upstream: UpstreamResult[];
  specs: SpecDocument[];
}

export interface PromptInputs {
  agentNumber: number;
  attempt: number;
  specs: SpecDocument[];
  upstream: (id: string) => { status: string; summary: string | null };
  note: string | null;
  /** The stream task whose session the agent continues, if any. */
  continues?: string | null;
}

export function describeCheck(check: AcceptanceCheck): string | null {
  if (typeof check === 'string') return null;
  if ('run' in check) return `\`${check.run}\` exits 0${check.description ? ` (${check.description})` : ''}`;
  const contains = check.contains !== undefined ? ` and contains ${JSON.stringify(check.contains)}` : '';
  return `file \`${check.file}\` exists${contains}${check.description ? ` (${check.description})` : ''}`;
}

const unique = (xs: string[]): string[] => [...new Set(xs)];

/** Spec paths named by the plan, in order. */
export function specPaths(model: PlanModel): string[] {
  const spec = model.source.spec;
  return spec === undefined ? [] : Array.isArray(spec) ? spec : [spec];
}

/** The task's direct upstream tasks (hard when any edge from it is), with their status and hand-off. */
function upstreamOf(model: PlanModel, task: TaskModel, inputs: PromptInputs, byId: Map<string, TaskModel>): PromptContext['upstream'] {
  const upstreamIds = new Map<string, boolean>();
  for (const edge of model.edges) {
    if (edge.to === task.id) upstreamIds.set(edge.from, (upstreamIds.get(edge.from) ?? false) || edge.hard);
  }
  return [...upstreamIds].map(([id, hard]) => {
    const r = inputs.upstream(id);
    return { id, title: byId.get(id)?.title ?? id, status: r.status, hard, summary: r.summary };
  });
}

/** The stream's communication rows; one it receives carries the sending stream's finished hand-offs of that phase. */
function communicationOf(model: PlanModel, stream: PlanModel['streams'][number] | null, inputs: PromptInputs): PromptContext['communication'] {
  return (model.source.communication ?? [])
    .filter((c) => stream !== null && (c.from === stream.name || c.to === stream.name))
    .map((c) => ({
      from: c.from,
      to: c.to,
      after: c.after ?? null,
      what: c.what,
      delivered:
        c.to === stream?.name
          ? model.tasks
              .filter((t) => t.stream === c.from && (c.after === undefined || t.phase === c.after))
              .map((t) => ({ id: t.id, title: t.title, ...inputs.upstream(t.id) }))
              .filter((d): d is typeof d & { summary: string } => d.status.startsWith('done') && d.summary !== null)
              .map(({ id, title, summary }) => ({ id, title, summary }))
          : [],
    }));
}

/** What the prompt says about the task itself. */
function taskSection(task: TaskModel, inputs: PromptInputs, testsFor: string | null): PromptContext['task'] {
  const src = task.source;
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    steps: src.steps ?? [],
    extra: src.agent?.prompt ?? null,
    note: inputs.note,
    attempt: inputs.attempt,
    complexity: task.complexity ? (task.complexity.breakdown ? `${task.complexity.value} (${task.complexity.breakdown})` : task.complexity.value) : null,
    stopWhen: src.boundaries?.stop_when ?? null,
    guidance: task.guidance
      ? {
          onStart: task.guidance.logging.on_start,
          onProgress: task.guidance.logging.on_progress,
          onCompletion: task.guidance.logging.on_completion,
          logFormat: task.guidance.logging.log_format,
          checkpoints: task.guidance.checkpoints,
        }
      : null,
    produces: task.produces,
    consumes: task.consumes,
    criteria: task.acceptance.filter((c): c is string => typeof c === 'string'),
    checks: task.acceptance.map(describeCheck).filter((c): c is string => c !== null),
    test: task.test,
    isTestTask: testsFor !== null,
    testsFor,
  };
}

export function buildPromptContext(model: PlanModel, task: TaskModel, inputs: PromptInputs): PromptContext {
  const src = task.source;
  const stream = task.stream !== null ? (model.streams.find((s) => s.name === task.stream) ?? null) : null;
  const may = unique([...task.files, ...(stream?.owns ?? [])]);
  const others = model.streams.filter((s) => s.name !== task.stream).flatMap((s) => s.owns);
  const mustNot = unique([...(src.boundaries?.excludes ?? []), ...others]).filter((p) => !may.includes(p));
  const byId = new Map(model.tasks.map((t) => [t.id, t]));
  const testsFor = task.id.endsWith('.tests') && byId.has(task.id.slice(0, -'.tests'.length)) ? task.id.slice(0, -'.tests'.length) : null;
  return {
    agent: { label: `agent-${inputs.agentNumber}`, number: inputs.agentNumber },
    plan: { name: model.name, title: model.title },
    task: taskSection(task, inputs, testsFor),
    scope: { may, mustNot },
    stream: stream ? { name: stream.name, title: stream.title, owns: stream.owns } : null,
    skills: unique([...(stream?.skills ?? []), ...(src.skills ?? [])]),
    communication: communicationOf(model, stream, inputs),
    session: inputs.continues ? { continues: inputs.continues } : null,
    upstream: upstreamOf(model, task, inputs, byId),
    specs: inputs.specs,
  };
}

/** The packaged agent prompt template (a user's `prompt_template` replaces it). */
export const defaultTemplatePath = packagedTemplatePath('agent-prompt.njk');

export type RenderResult = { ok: true; prompt: string } | { ok: false; message: string };

export function renderPrompt(template: string, context: PromptContext, templateName = 'agent-prompt.njk'): RenderResult {
  try {
    return { ok: true, prompt: renderTemplate('prompt', template, context) };
  } catch (error) {
    return { ok: false, message: `cannot render ${templateName}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}

export function readTemplate(path: string | null): TemplateFile {
  return readTemplateFile(path, 'agent-prompt.njk', 'the prompt template');
}
