/**
 * Deterministic JSON for artifacts: keys sorted, numbers as JavaScript prints them (callers round
 * first), two-space indent, trailing newline. contentHash = sha256 of the normalized (compact,
 * sorted-key) JSON of the document without its `generated` block: the same rule as dag.json and
 * waves.json, so a reader can verify every artifact the same way.
 *
 * One printer: V8's JSON.stringify over a value whose keys are already in artifact order. `ordered`
 * establishes that order, copying only the objects that are not in it yet (renderers that build their
 * records in key order pay for a check, not a copy). Keys sort as `Array.prototype.sort` compares them.
 * The document and its direct children are printed in exactly that order; deeper down a record is
 * printed as a JavaScript object holds it, which puts integer-like keys ("7", "10") first in numeric
 * order: the bytes every artifact has always had.
 */
import * as crypto from 'node:crypto';
import { generatedBy } from './context.js';
import { PieceWriter, piecesOf, piecesText, type Pieces } from './pieces.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** From this nesting depth down a record is printed in JavaScript's own key order (see the header). */
const plainDepth = 2;

/**
 * Records known to be in artifact order all the way down (from inArtifactOrder, withKeyInOrder): the
 * document's walk takes them as they are instead of checking each again.
 */
const settled = new WeakSet<object>();

/**
 * A normalized object with one more key, placed where sorting puts it. `sorted` and `value` must be
 * normalized (from inArtifactOrder, or built in key order).
 */
export function withKeyInOrder(sorted: Record<string, unknown>, key: string, value: Json): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const k of Object.keys(sorted)) {
    if (!placed && key < k) {
      out[key] = value;
      placed = true;
    }
    if (k !== key) out[k] = sorted[k];
  }
  if (!placed) out[key] = value;
  settled.add(out);
  return out;
}

/**
 * The compact text (exactly JSON.stringify's) of records printed once already for a hash of their own
 * (tasks.json's per-task `contentHash`): the document's hash reuses it instead of printing the whole
 * document compact a second time. Taken out when used, so the texts do not outlive the hash.
 */
const compactTexts = new WeakMap<object, string>();

/**
 * Puts into `record[key]` the first `length` hex digits of the sha256 of the record's compact text
 * without that key, and returns the record in artifact order (`record` itself when its keys already are).
 * The record is printed compact once, with a placeholder of the hash's length in the key's place: the
 * text without the key is cut from it for the hash, and the hash written into it is the record's compact
 * text, remembered for the document's hash (compactDocumentHash).
 */
export function withHashKey(record: Record<string, unknown>, key: string, length: number): Record<string, unknown> {
  const { sorted, text } = hashKeyed(record, key, length);
  if (text !== undefined) compactTexts.set(sorted, text);
  return sorted;
}

/** withHashKey's work: the record in artifact order, and its compact text when it came out of the one print. */
function hashKeyed(record: Record<string, unknown>, key: string, length: number): { sorted: Record<string, unknown>; text?: string } {
  const placeholder = '0'.repeat(length);
  record[key] = placeholder;
  const sorted = inArtifactOrder(record);
  const text = JSON.stringify(sorted);
  // The key's entry: found by its quoted name and value, which no string value can hold unescaped.
  const entry = `${JSON.stringify(key)}:"${placeholder}"`;
  const at = text.indexOf(entry);
  const end = at + entry.length;
  if (at < 0 || text.includes(entry, end)) {
    // The same entry deeper down too (a nested record with that key): print the rest on its own.
    sorted[key] = undefined;
    sorted[key] = sha256(JSON.stringify(sorted)).slice(0, length);
    return { sorted };
  }
  const rest = text[end] === ',' ? text.slice(0, at) + text.slice(end + 1) : text[at - 1] === ',' ? text.slice(0, at - 1) + text.slice(end) : text.slice(0, at) + text.slice(end);
  const hash = sha256(rest).slice(0, length);
  sorted[key] = hash;
  return { sorted, text: `${text.slice(0, end - length - 1)}${hash}${text.slice(end - 1)}` };
}

/** Records printed per JSON.stringify call by renderJsonDocumentWithRecords: a few dozen KB of text. */
const recordsPerPrint = 32;

/**
 * renderJsonDocument of `{ ...doc, [key]: records }`, where record i is `withHashKey(make(i), hashKey,
 * hashLength)` and `key` sorts after every other key of the document (tasks.json's `tasks`): the same
 * text, but each record is made, printed (compact into the document's hash, indented into the text, a
 * few dozen at a time) and dropped before the next ones are made. A document holding all ~10,000 task
 * records until one print kept them alive through every young-generation collection, and the collector
 * copied all of them, twice, into the old generation. The indented records are cut out of a print of
 * `[[...records]]`: there they sit at the depth they have in the document (doc -> array -> record), so
 * their text is the document's text.
 */
export function renderJsonDocumentWithRecords(...args: Parameters<typeof jsonDocumentPiecesWithRecords>): string {
  return piecesText(jsonDocumentPiecesWithRecords(...args));
}

/**
 * renderJsonDocumentWithRecords as UTF-8 pieces (pieces.ts): each batch's indented text is encoded as
 * it is printed, so neither the batches' texts nor the whole document's text is ever held in the heap.
 */
export function jsonDocumentPiecesWithRecords(
  doc: { generated: Omit<Generated, 'contentHash'> } & Record<string, unknown>,
  key: string,
  count: number,
  make: (i: number) => Record<string, unknown>,
  hashKey: string,
  hashLength: number,
): Pieces {
  const { generated: facts, ...body } = doc;
  const whole = () => piecesOf(renderJsonDocument({ ...doc, [key]: Array.from({ length: count }, (_, i) => withHashKey(make(i), hashKey, hashLength)) }));
  if (key in body || Object.keys(body).some((k) => k > key)) return whole();
  let sorted: Record<string, unknown>;
  try {
    sorted = ordered(body, 0) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TopLevelOrder)) throw error;
    return whole();
  }
  // The compact document is the rest's text with the records' array as its last entry.
  const rest = JSON.stringify(sorted);
  const hash = crypto.createHash('sha256');
  hash.update(rest.length > 2 ? `${rest.slice(0, -1)},${JSON.stringify(key)}:[` : `{${JSON.stringify(key)}:[`, 'utf8');
  const out = new PieceWriter();
  let chunk = '';
  for (let lo = 0; lo < count; lo += recordsPerPrint) {
    const records: Record<string, unknown>[] = [];
    for (let i = lo; i < Math.min(count, lo + recordsPerPrint); i++) {
      const { sorted: record, text } = hashKeyed(make(i), hashKey, hashLength);
      records.push(record);
      chunk += `${i === 0 ? '' : ','}${text ?? JSON.stringify(record)}`;
    }
    if (chunk.length >= 65536) {
      hash.update(chunk, 'utf8');
      chunk = '';
    }
    const printed = JSON.stringify([records], null, 2);
    // `[\n  [\n    ` + the records, `,\n    ` between them + `\n  ]\n]`.
    if (lo > 0) out.add(',\n    ');
    out.add(printed.slice(10, -6));
  }
  hash.update(`${chunk}]}`, 'utf8');
  const generated = ordered({ ...facts, contentHash: hash.digest('hex') }, 1) as Json;
  sorted[key] = [];
  const text = JSON.stringify(withKeyInOrder(sorted, 'generated', generated), null, 2);
  // The records' array is the last entry, printed empty: `[]\n}` at the very end.
  if (count === 0) return piecesOf(`${text}\n`);
  out.add('\n  ]\n}\n');
  out.prepend(`${text.slice(0, -4)}[\n    `);
  return out.finish();
}

/**
 * sha256 of JSON.stringify(sorted), a document already put in order: its top-level arrays of records
 * with a remembered compact text (withHashKey) are hashed element by element from those texts, the rest
 * printed as usual. The same bytes go into the hash either way.
 */
function compactDocumentHash(sorted: Record<string, unknown>): string {
  const keys = Object.keys(sorted);
  const reuses = (v: unknown) => Array.isArray(v) && v.length > 0 && v[0] !== null && typeof v[0] === 'object' && compactTexts.has(v[0] as object);
  if (!keys.some((k) => reuses(sorted[k]))) return sha256(JSON.stringify(sorted));
  const hash = crypto.createHash('sha256');
  // Pieces are gathered into chunks of ~64 KB: one update per chunk, not one per record.
  let chunk = '';
  const feed = (text: string) => {
    chunk += text;
    if (chunk.length >= 65536) {
      hash.update(chunk, 'utf8');
      chunk = '';
    }
  };
  let first = true;
  for (const k of keys) {
    const v = sorted[k];
    if (v === undefined) continue;
    feed(`${first ? '{' : ','}${JSON.stringify(k)}:`);
    first = false;
    if (!reuses(v)) {
      feed(JSON.stringify(v));
      continue;
    }
    const items = v as unknown[];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const known = item !== null && typeof item === 'object' ? compactTexts.get(item) : undefined;
      if (known !== undefined) compactTexts.delete(item as object);
      feed(`${i === 0 ? '[' : ','}${known ?? JSON.stringify(item) ?? 'null'}`);
    }
    feed(']');
  }
  feed(first ? '{}' : '}');
  hash.update(chunk, 'utf8');
  return hash.digest('hex');
}

/** Thrown by `ordered` when a record near the top cannot hold its keys in sorted order (see printLevels). */
class TopLevelOrder extends Error {}

const isPlainRecord = (v: object) => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * `v` with its keys in artifact order, and every value JSON.stringify would print differently from
 * normalizeJson replaced (a bigint, symbol or function as its String(), a Map or class instance as its
 * own enumerable keys): `v` itself when nothing needs changing, else copies of just the changed parts.
 */
function ordered(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return v;
    case 'object':
      if (v === null || (depth >= plainDepth && settled.has(v))) return v;
      return Array.isArray(v) ? orderedArray(v, depth) : orderedRecord(v, depth);
    default:
      // Only a bigint, symbol or function is left.
      return String(v);
  }
}

function orderedArray(v: unknown[], depth: number): unknown[] {
  let out: unknown[] | null = null;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    const y = ordered(x, depth + 1);
    if (y !== x && out === null) out = v.slice(0, i);
    if (out !== null) out.push(y === undefined ? null : y);
  }
  // A sparse array or a subclass prints the same once copied into a plain array.
  return out ?? (Object.getPrototypeOf(v) === Array.prototype ? v : [...v].map((x) => (x === undefined ? null : x)));
}

function orderedRecord(v: object, depth: number): object {
  const record = v as Record<string, unknown>;
  const plain = isPlainRecord(v) && typeof (record as { toJSON?: unknown }).toJSON !== 'function';
  // The common case, a plain record built in key order whose values all print as they are, is checked
  // with for...in, without an Object.keys array (one per record, ~300,000 on a 10,000-task plan): for...in
  // gives a plain record's own keys in Object.keys order. It stops at the first key out of order or value
  // that changes; what it checked is reused below, so that every value is put in order exactly once.
  let checked = 0;
  let changed: { value: unknown } | null = null;
  if (plain) {
    let previous: string | null = null;
    let complete = true;
    for (const key in record) {
      if (previous !== null && previous > key) {
        complete = false;
        break;
      }
      const x = record[key];
      const y = ordered(x, depth + 1);
      if (y !== x) {
        changed = { value: y };
        complete = false;
        break;
      }
      previous = key;
      checked++;
    }
    if (complete) return v;
  }
  const keys = Object.keys(record);
  let inOrder = plain;
  for (let i = 1; inOrder && i < keys.length; i++) if (keys[i - 1]! > keys[i]!) inOrder = false;
  let values: unknown[] | null = null;
  for (let i = 0; i < keys.length; i++) {
    const x = record[keys[i]!];
    const y = i < checked ? x : i === checked && changed ? changed.value : ordered(x, depth + 1);
    if (y !== x && values === null) values = keys.slice(0, i).map((k) => record[k]);
    if (values !== null) values.push(y);
  }
  if (inOrder && values === null) return v;
  const order = keys.map((_, i) => i);
  if (!inOrder) order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const i of order) {
    const y = values ? values[i] : record[keys[i]!];
    if (y !== undefined) out[keys[i]!] = y;
  }
  // An integer-like key ("10") goes first in a JavaScript object whatever its place in the sort.
  if (depth < plainDepth && !inOrder && keys.some((k) => k.charCodeAt(0) >= 48 && k.charCodeAt(0) <= 57)) {
    const printed = Object.keys(out);
    for (let i = 1; i < printed.length; i++) if (printed[i - 1]! > printed[i]!) throw new TopLevelOrder();
  }
  return out;
}

/**
 * Rare: a record at the top two levels with integer-like keys that must print in sorted order, which a
 * JavaScript object cannot hold. Those two levels are printed here key by key; every value below them
 * by JSON.stringify as usual (below the top a newline only ever comes from the indentation, since
 * strings escape theirs, so re-indenting a value's text is a plain replace).
 */
function printLevels(v: unknown, pretty: boolean, pad: string, depth: number): string {
  if (depth >= plainDepth || v === null || typeof v !== 'object') {
    const text = JSON.stringify(ordered(v, depth) ?? null, null, pretty ? 2 : undefined);
    return pretty && pad ? text.replaceAll('\n', `\n${pad}`) : text;
  }
  const inner = pretty ? `${pad}  ` : '';
  const open = pretty ? `\n${inner}` : '';
  const between = pretty ? `,\n${inner}` : ',';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${open}${v.map((x) => printLevels(x, pretty, inner, depth + 1)).join(between)}${pretty ? `\n${pad}` : ''}]`;
  }
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  if (keys.length === 0) return '{}';
  const entries = keys.map((k) => `${JSON.stringify(k)}:${pretty ? ' ' : ''}${printLevels(record[k], pretty, inner, depth + 1)}`);
  return `{${open}${entries.join(between)}${pretty ? `\n${pad}` : ''}}`;
}

/** The artifact text of a value, compact or indented (no trailing newline). */
function printJson(value: unknown, pretty: boolean): string {
  let value0: unknown;
  try {
    value0 = ordered(value, 0);
  } catch (error) {
    if (!(error instanceof TopLevelOrder)) throw error;
    return printLevels(value, pretty, '', 0);
  }
  return JSON.stringify(value0 ?? null, null, pretty ? 2 : undefined);
}

/**
 * A record with sorted keys at every level (JavaScript's order for integer-like keys), ready for
 * JSON.stringify: the record itself when it already is, so build records in key order where it is cheap.
 */
export function inArtifactOrder<T extends object>(value: T): Record<string, unknown> {
  const out = ordered(value, plainDepth) as Record<string, unknown>;
  settled.add(out);
  return out;
}

// The one-shot crypto.hash (Node 20.12+) is 2-3x faster than a Hash object for short texts, and loading
// a run state hashes every journal line; older Node 20 releases take the Hash object.
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

/** sha256 (hex) of a text's UTF-8 bytes, or of bytes. */
export function sha256(data: string | Uint8Array): string {
  if (oneShot) return oneShot('sha256', data, 'hex');
  const hash = crypto.createHash('sha256');
  return (typeof data === 'string' ? hash.update(data, 'utf8') : hash.update(data)).digest('hex');
}

export function stableStringify(value: unknown): string {
  return `${printJson(value, true)}\n`;
}

/** Sorted-key JSON with a trailing newline (dag.json, waves.json and the runner's canonical hashes use this name). */
export const stableJson = stableStringify;

/** sha256 of the compact sorted-key JSON of a value: an artifact's `contentHash`, a task definition's hash. */
export function contentHash(value: unknown): string {
  return sha256(printJson(value, false));
}

/**
 * The `generated` block of every JSON artifact: who wrote it, the hash of the rest of the document, the
 * timestamp (SOURCE_DATE_EPOCH or the fixed value, never the clock) and, where the artifact records it,
 * execplan's version (dag.json and waves.json never did, and their bytes stay as they are).
 */
export interface Generated {
  by: string;
  version?: string;
  timestamp?: string;
  contentHash: string;
}

/** The one rule: `contentHash` covers the document without its `generated` block. */
export function generatedBlock(body: object, facts: Omit<Generated, 'contentHash'>): Generated {
  return { ...facts, contentHash: contentHash(body) };
}

/**
 * Prints a document whose `generated` block holds the hash of the rest: the body is put in order once,
 * then printed twice by JSON.stringify, compact for the hash (reusing the records' remembered compact
 * texts, see compactDocumentHash) and indented for the text. The bytes are
 * exactly `stableStringify({ ...body, generated: generatedBlock(body, facts) })`.
 */
function printWithGenerated(body: Record<string, unknown>, facts: object): string {
  let sorted: Record<string, unknown>;
  try {
    sorted = ordered(body, 0) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TopLevelOrder)) throw error;
    return stableStringify({ ...body, generated: generatedBlock(body, facts as Omit<Generated, 'contentHash'>) });
  }
  const generated = ordered({ ...facts, contentHash: compactDocumentHash(sorted) }, 1) as Json;
  return `${JSON.stringify(withKeyInOrder(sorted, 'generated', generated), null, 2)}\n`;
}

/** Fills `generated.contentHash` and prints the document. */
export function renderJsonDocument(doc: { generated: Omit<Generated, 'contentHash'> } & Record<string, unknown>): string {
  const { generated, ...body } = doc;
  return printWithGenerated(body, generated);
}

/** The document with its `generated` block (dag.json, waves.json: no version; a timestamp only when given). */
export function withGenerated<T extends object>(body: T, timestamp: string | null): T & { generated: Generated } {
  return { ...body, generated: generatedBlock(body, timestamp ? { by: generatedBy, timestamp } : { by: generatedBy }) };
}

/** withGenerated printed (stableJson of it), the body put in order once. */
export function printedWithGenerated(body: object, timestamp: string | null): string {
  return printWithGenerated(body as Record<string, unknown>, timestamp ? { by: generatedBy, timestamp } : { by: generatedBy });
}

/** The hash a reader recomputes to check a document: the same rule as renderJsonDocument. */
export function verifyContentHash(text: string): boolean {
  const { generated, ...body } = JSON.parse(text) as { generated?: Generated };
  return generated !== undefined && sha256(JSON.stringify(inArtifactOrder(body))) === generated.contentHash;
}
