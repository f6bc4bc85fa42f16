/**
 * What every importer shares: the result shape (a plan as data, the notes of what could not be mapped,
 * diagnostics for a malformed source) and small text helpers. Importers are pure: text in, data out.
 */
import type { Diagnostic } from '../compiler/diagnostic.js';
import type { Task } from '../types/plan.js';

export type ImportFormat = 'spec-kit' | 'taskmaster' | 'markdown' | 'beads';
export const importFormats: readonly ImportFormat[] = ['spec-kit', 'taskmaster', 'markdown', 'beads'];

/**
 * A task as an importer produces it: the plan's own task fields (src/types/plan.ts, generated from the
 * schema), only what the source said; an estimate is hours or a duration, never PERT, and acceptance
 * criteria are the source's sentences, never checks.
 */
export interface ImportedTask extends Pick<Task, 'id' | 'title' | 'description' | 'feature' | 'stream' | 'phase' | 'priority' | 'needs' | 'risk' | 'files' | 'skills' | 'steps'> {
  estimate?: number | string;
  acceptance?: string[];
  /** Written as a comment above the task (e.g. "done in tasks.md"). */
  comment?: string;
}

export interface ImportedPlan {
  name: string;
  title: string;
  description?: string;
  spec?: string;
  streams?: Record<string, { title?: string; owns?: string[]; skills?: string[] }>;
  phases?: Array<{ id: string; title?: string; description?: string }>;
  features?: Array<{ id: string; title: string; priority?: 'critical' | 'high' | 'medium' | 'low' }>;
  communication?: Array<{ from: string; to: string; after?: string; what: string }>;
  tasks: ImportedTask[];
}

/** Something in the source that the plan does not carry, or carries differently; `line` in the source when known. */
export interface ImportNote {
  line?: number;
  message: string;
}

export interface ImportOutput {
  plan: ImportedPlan;
  notes: ImportNote[];
  /** Tasks the source marks as finished: kept in the plan (dependencies hold), recorded with `execplan done`. */
  done: string[];
}

export type ImportResult = { ok: true; output: ImportOutput } | { ok: false; diagnostics: Diagnostic[] };

/** A plan id from any text: lower-case words joined by '-' ("User model + token model" -> user-model-token-model). */
export function slug(text: string, fallback = 'task'): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[-._]+$/g, '')
    .replace(/-{2,}/g, '-')
    .slice(0, 60)
    .replace(/[-._]+$/, '');
  return s || fallback;
}

/** Hands out ids, suffixing -2, -3 when two titles give the same slug. */
export function idAllocator(): (wanted: string) => string {
  const used = new Set<string>();
  return (wanted) => {
    let id = wanted;
    for (let n = 2; used.has(id); n++) id = `${wanted}-${n}`;
    used.add(id);
    return id;
  };
}

export function error(file: string, line: number, col: number, code: string, message: string): Diagnostic {
  return { file, line, col, severity: 'error', code, message, path: [] };
}

/** 1-based line and column of a character offset. */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return { line, col: before.length - before.lastIndexOf('\n') };
}

const fileExtensions =
  'py|ts|tsx|js|jsx|mjs|cjs|go|rs|rb|java|kt|swift|c|h|cc|cpp|hpp|cs|php|sql|md|json|ya?ml|toml|ini|cfg|sh|html|css|scss|vue|svelte|proto|graphql|tf|txt|lock|env|xml|gradle';
const pathPattern = new RegExp(`(?<![\\w/.:-])((?:[\\w@.-]+/)+(?:[\\w@*{}.-]+)?|[\\w-]+\\.(?:${fileExtensions}))(?![\\w/])`, 'g');

/**
 * File paths mentioned in a task text (`in src/models/user.py`, `` `tests/contract/` ``): relative paths
 * with a folder or a known extension. A folder becomes `folder/**`. URLs and API routes (`/api/users`) are not files.
 */
export function pathsIn(text: string): string[] {
  const out: string[] = [];
  const cleaned = text.replace(/https?:\/\/\S+/g, ' ');
  for (const match of cleaned.matchAll(pathPattern)) {
    let p = match[1]!.replace(/[.,;:]+$/, '');
    if (!p.includes('/') && !new RegExp(`\\.(?:${fileExtensions})$`).test(p)) continue;
    if (p.includes('/') && !/\.[A-Za-z0-9]+$/.test(p) && !p.endsWith('/')) continue;
    if (p.endsWith('/')) p = `${p}**`;
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** Splits a markdown table row into trimmed cells (`| a | b |` -> [a, b]). */
export function tableCells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
}

export function isTableSeparator(line: string): boolean {
  return /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line);
}

/** Removes markdown emphasis and code ticks from a cell or heading. */
export function plainText(text: string): string {
  return text
    .replace(/\*\*|__|`/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
