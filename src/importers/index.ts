/**
 * `execplan import`: which format a file is in, the importer for it, and the imported plan as a commented
 * plan.yaml. Pure: the CLI reads the source, validates the text this returns, and writes it.
 */
import { Document, isMap, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { importBeads } from './beads.js';
import { error, importFormats, type ImportFormat, type ImportOutput, type ImportResult } from './common.js';
import { importMarkdownPlan } from './markdown.js';
import { importSpecKit } from './spec-kit.js';
import { importTaskMaster } from './taskmaster.js';

export { importFormats, type ImportFormat, type ImportOutput, type ImportResult };

export type Detected = { ok: true; format: ImportFormat; why: string } | { ok: false; message: string };

/** The format from the file's content (its name only breaks ties). */
export function detectFormat(fileName: string, text: string): Detected {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    const firstLine = head.split('\n', 1)[0]!.trim();
    if (
      /\.jsonl$/i.test(fileName) ||
      (firstLine.endsWith('}') && /"id"\s*:/.test(firstLine) && /"(issue_type|status|title)"\s*:/.test(firstLine) && !/"tasks"\s*:/.test(firstLine))
    ) {
      return { ok: true, format: 'beads', why: 'one JSON issue per line' };
    }
    if (/"tasks"\s*:/.test(text)) return { ok: true, format: 'taskmaster', why: 'a JSON object with `tasks`' };
    return { ok: false, message: 'a JSON file that is neither beads JSONL (one issue per line) nor a Task Master tasks.json (with `tasks`)' };
  }
  if (/^\s*[-*]\s+\[[ xX]\]\s+T\d+\b/m.test(text)) return { ok: true, format: 'spec-kit', why: 'task lines like `- [ ] T001 ...`' };
  if (/^#{1,6}\s+.*\bPhase\s+\d+[\w.]*\s*:/im.test(text) || /^#{1,6}\s+.*work streams?\b/im.test(text) || /^\s*[-*]\s+\[[ xX]\]\s+\*\*/m.test(text)) {
    return { ok: true, format: 'markdown', why: '`Phase N:` sections, a Work Streams table or chunk blocks' };
  }
  return { ok: false, message: 'cannot tell the format (no spec-kit task lines, no `Phase N:` sections, not JSON)' };
}

export function runImporter(format: ImportFormat, file: string, text: string, options: { tag?: string } = {}): ImportResult {
  const body = text.replace(/^\uFEFF/, '');
  switch (format) {
    case 'spec-kit':
      return importSpecKit(file, body);
    case 'taskmaster':
      return importTaskMaster(file, body, options);
    case 'markdown':
      return importMarkdownPlan(file, body);
    case 'beads':
      return importBeads(file, body);
    default:
      return { ok: false, diagnostics: [error(file, 1, 1, 'import-format', `unknown format ${String(format)}`)] };
  }
}

const formatNames: Record<ImportFormat, string> = {
  'spec-kit': 'spec-kit tasks.md',
  taskmaster: 'Task Master tasks.json',
  markdown: 'markdown execution plan',
  beads: 'beads JSONL',
};

/** The order people read a task in (and the examples use). */
const taskKeyOrder = ['id', 'title', 'description', 'feature', 'stream', 'phase', 'priority', 'needs', 'estimate', 'risk', 'files', 'skills', 'steps', 'acceptance'] as const;

/** Short lists on one line (`needs: [a, b]`), sentences as blocks. */
const flowLists = new Set(['needs', 'files', 'skills', 'owns']);

/** The imported plan as plan.yaml: a header saying where it came from, comments on tasks that need a look. */
export function renderImportedPlan(output: ImportOutput, source: { file: string; format: ImportFormat; schema?: string }): string {
  const { plan } = output;
  const ordered: Record<string, unknown> = { version: 1, name: plan.name, title: plan.title };
  if (plan.description) ordered.description = plan.description;
  if (plan.spec) ordered.spec = plan.spec;
  if (plan.streams) ordered.streams = plan.streams;
  if (plan.phases) ordered.phases = plan.phases;
  if (plan.features) ordered.features = plan.features;
  if (plan.communication) ordered.communication = plan.communication;
  ordered.tasks = plan.tasks.map(({ comment: _c, ...task }) => {
    const out: Record<string, unknown> = {};
    for (const key of taskKeyOrder) if ((task as Record<string, unknown>)[key] !== undefined) out[key] = (task as Record<string, unknown>)[key];
    return out;
  });
  const doc = new Document(ordered);
  const header = [
    source.schema ? ` yaml-language-server: $schema=${source.schema}` : undefined,
    ` Imported from ${source.file} (${formatNames[source.format]}) by \`execplan import\`.`,
    ' Review it, then `execplan validate` and `execplan compile`. Edit with `execplan task set|add|rm`.',
  ].filter((l): l is string => l !== undefined);
  if (output.done.length)
    header.push(
      ` Already done in the source (kept so dependencies hold): ${output.done.join(', ')}.`,
      ' Record them with `execplan done <id> --reason "done before import"` before `execplan run`.',
    );
  doc.commentBefore = header.join('\n');
  const root = doc.contents as YAMLMap;
  for (const key of ['phases', 'features', 'communication']) {
    const seq = root.get(key, true) as unknown;
    if (isSeq(seq)) for (const item of seq.items) if (isMap(item)) item.flow = true;
  }
  const streams = root.get('streams', true) as unknown;
  if (isMap(streams)) for (const pair of streams.items) if (isMap(pair.value)) markFlow(pair.value);
  const tasks = root.get('tasks', true) as unknown as YAMLSeq;
  tasks.items.forEach((item, i) => {
    const node = item as YAMLMap & Node;
    if (i > 0) node.spaceBefore = true;
    markFlow(node);
    const comment = plan.tasks[i]!.comment;
    if (comment) node.commentBefore = ` ${comment}`;
  });
  (root.items.find((p) => (p.key as { value?: unknown }).value === 'tasks')!.key as Node).spaceBefore = true;
  for (const key of ['streams', 'phases', 'features', 'communication']) {
    const pair = root.items.find((p) => (p.key as { value?: unknown }).value === key);
    if (pair) (pair.key as Node).spaceBefore = true;
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false, indentSeq: true });
}

function markFlow(map: YAMLMap): void {
  for (const pair of map.items) {
    const key = (pair.key as { value?: unknown }).value;
    if (typeof key === 'string' && flowLists.has(key) && isSeq(pair.value)) pair.value.flow = true;
  }
}
