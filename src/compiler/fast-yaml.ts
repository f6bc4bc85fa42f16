/**
 * The fast way to read plan.yaml: js-yaml's event parser (a flat list of nodes with their source offsets)
 * turned into the plain value here, ~10x faster than building `yaml`'s Document and with a fraction of
 * its memory. It takes the YAML that plans are written in (mappings, lists and scalars) and declines,
 * by returning null, everything whose meaning or diagnostics belong to the full parser: syntax errors,
 * anchors and aliases, tags, directives, several documents, keys that are not plain strings, duplicate
 * keys, nesting past the limit. The caller then parses with `yaml`, so a plan gets the same value and the
 * same diagnostics either way; only their cost differs.
 */
import { createRequire } from 'node:module';
import type * as JsYaml from 'js-yaml';
import type { Event, ScalarEvent } from 'js-yaml';
import type { PathSegment } from './diagnostic.js';
import { scanYamlSubset } from './yaml-subset.js';

// js-yaml's event and style ids (EVENT_ID, SCALAR_STYLE, COLLECTION_STYLE in its API).
const DOCUMENT = 1,
  SEQUENCE = 2,
  MAPPING = 3,
  SCALAR = 4,
  POP = 6;
const PLAIN = 1,
  SINGLE_QUOTED = 2,
  DOUBLE_QUOTED = 3;
const FLOW = 2;
/** `yaml` rejects implicit keys longer than this (the YAML spec's limit). */
const MAX_IMPLICIT_KEY = 1024;

// js-yaml is loaded on first use: most plans are read by the direct scanner (yaml-subset.ts) and never
// need it, and parsing its 130 KB was part of every command's start-up. Only its pure event functions
// are used, so its CommonJS build serves as well as the ES module.
let jsYamlModule: typeof JsYaml | undefined;
const jsYaml = (): typeof JsYaml => (jsYamlModule ??= createRequire(import.meta.url)('js-yaml') as typeof JsYaml);

/** Thrown inside the walk to hand the plan to the full parser. */
class Decline extends Error {}

/**
 * A plain scalar as `yaml` resolves it with the YAML 1.2 core schema: the same tests in the same order
 * (null, bool, octal, decimal and hex ints, special, exponent and fixed floats), else a string.
 */
export function resolvePlainScalar(s: string): unknown {
  // Most plain scalars of a plan are words (keys, ids, titles): only one starting with a digit, a sign or
  // a dot can be a number, and the null and bool tests are exact words, so a word is decided by a few
  // comparisons instead of the eight tests below.
  const c = s.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) {
    // 0-9 + - . start every number; the null and bool words start with none of them.
    if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
    if (s === 'true' || s === 'True' || s === 'TRUE') return true;
    if (s === 'false' || s === 'False' || s === 'FALSE') return false;
    return s;
  }
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

function events(text: string, maxDepth: number): Event[] | null {
  try {
    return jsYaml().parseEvents(text, { maxDepth });
  } catch {
    return null;
  }
}

/** The plan's value and its node positions, or null when the full parser must read it (see the module comment). */
export function fastParse(text: string, maxDepth: number): { value: unknown; positions: PositionIndex } | null {
  // A lone carriage return is a line break to js-yaml but not to `yaml`'s line counting.
  if (/\r(?!\n)/.test(text)) return null;
  // Document markers: `yaml` counts a document before `...` or before a `---` that follows content.
  if (/^\.\.\.(?:[ \t\r\n]|$)/m.test(text)) return null;
  const marker = /^---(?:[ \t\r\n]|$)/m.exec(text);
  if (marker && !/^(?:[ \t]*(?:#.*)?\r?\n)*$/.test(text.slice(0, marker.index))) return null;
  // Most plans are in the narrow subset the direct scanner reads, with no event list at all.
  const scanned = scanYamlSubset(text, maxDepth);
  if (scanned) return scanned;
  const list = events(text, maxDepth + 1);
  if (!list) return null;
  const { getScalarValue } = jsYaml();
  // The index kept for diagnostics: a few typed arrays instead of the event objects (a sixth of their memory).
  const kind = new Uint8Array(list.length);
  const start = new Int32Array(list.length);
  const next = new Int32Array(list.length);
  const keyIndex = new Int32Array(list.length);
  const keys: string[] = [];
  let i = 0;
  let depth = 0;
  const node = (): unknown => {
    const at = i;
    const e = list[i++]!;
    kind[at] = e.type;
    if (e.type === SCALAR) {
      if (e.tagStart !== -1 || e.anchorStart !== -1) throw new Decline();
      start[at] = scalarStart(e);
      next[at] = i;
      const s = getScalarValue(text, e);
      return e.style === PLAIN ? resolvePlainScalar(s) : s;
    }
    if (e.type !== SEQUENCE && e.type !== MAPPING) throw new Decline(); // an alias
    if (e.tagStart !== -1 || e.anchorStart !== -1 || ++depth > maxDepth) throw new Decline();
    // `yaml` turns a `key: value` pair inside [ ] into a one-pair mapping with other positions.
    if (e.type === MAPPING && e.style === FLOW && text[e.start] !== '{') throw new Decline();
    start[at] = e.start;
    let result: unknown;
    if (e.type === SEQUENCE) {
      const items: unknown[] = [];
      while (list[i]!.type !== POP) items.push(node());
      result = items;
    } else {
      const map: Record<string, unknown> = {};
      while (list[i]!.type !== POP) {
        const k = list[i]!;
        if (k.type !== SCALAR || k.tagStart !== -1 || k.anchorStart !== -1 || k.valueStart === -1) throw new Decline();
        if (k.valueEnd - k.valueStart > MAX_IMPLICIT_KEY || k.style > DOUBLE_QUOTED) throw new Decline();
        const raw = getScalarValue(text, k);
        const key = k.style === PLAIN ? resolvePlainScalar(raw) : raw;
        if (typeof key !== 'string' || key === '__proto__' || Object.prototype.hasOwnProperty.call(map, key)) throw new Decline();
        kind[i] = SCALAR;
        start[i] = scalarStart(k);
        keyIndex[i] = keys.push(key) - 1;
        next[i] = i + 1;
        i++;
        map[key] = node();
      }
      result = map;
    }
    kind[i] = POP;
    i++;
    next[at] = i;
    depth--;
    return result;
  };
  try {
    const doc = list[i++];
    if (!doc || doc.type !== DOCUMENT || doc.directives.length > 0 || list[i]!.type === POP) return null;
    const value = node();
    if (list[i++]!.type !== POP || i !== list.length) return null; // several documents
    return { value, positions: new PositionIndex(kind, start, next, keyIndex, keys) };
  } catch (error) {
    if (error instanceof Decline || error instanceof RangeError) return null;
    throw error;
  }
}

/** Where a node starts, or -1 where only the full parser knows (an empty value, a block scalar's header). */
function scalarStart(e: ScalarEvent): number {
  if (e.valueStart === -1) return -1;
  if (e.style === PLAIN) return e.valueStart;
  if (e.style === SINGLE_QUOTED || e.style === DOUBLE_QUOTED) return e.valueStart - 1;
  return -1;
}

/**
 * Positions of the nodes of a plan that `fastParse` read, with the same answers as looking the path up in
 * `yaml`'s Document. Event i is a node of `kind` starting at `start[i]` (-1: ask the full parser) whose
 * subtree ends before `next[i]`; a mapping's children alternate key (its string is `keys[keyIndex[i]]`) and value.
 */
export class PositionIndex {
  /** Children of the collections a question went through: mapping key -> [key event, value event], or list items. */
  private readonly children = new Map<number, Map<string, [number, number]> | number[]>();

  constructor(
    private readonly kind: Uint8Array,
    private readonly start: Int32Array,
    private readonly next: Int32Array,
    private readonly keyIndex: Int32Array,
    private readonly keys: readonly string[],
  ) {}

  private childrenOf(at: number): Map<string, [number, number]> | number[] | undefined {
    if (this.kind[at] !== MAPPING && this.kind[at] !== SEQUENCE) return undefined;
    let found = this.children.get(at);
    if (!found) {
      if (this.kind[at] === SEQUENCE) {
        const items: number[] = [];
        for (let c = at + 1; this.kind[c] !== POP; c = this.next[c]!) items.push(c);
        found = items;
      } else {
        const map = new Map<string, [number, number]>();
        for (let c = at + 1; this.kind[c] !== POP; c = this.next[this.next[c]!]!) map.set(this.keys[this.keyIndex[c]!]!, [c, this.next[c]!]);
        found = map;
      }
      this.children.set(at, found);
    }
    return found;
  }

  /** The node at `path` the way `yaml`'s getIn finds it: map keys compare strictly, list indexes may be numeric strings. */
  private at(path: readonly PathSegment[]): number | undefined {
    let cursor: number | undefined = 1; // event 0 is the document
    for (const seg of path) {
      const children = this.childrenOf(cursor);
      if (!children) return undefined;
      if (Array.isArray(children)) {
        const idx = typeof seg === 'string' && seg !== '' ? Number(seg) : seg;
        cursor = typeof idx === 'number' && Number.isInteger(idx) && idx >= 0 ? children[idx] : undefined;
      } else {
        cursor = typeof seg === 'string' ? children.get(seg)?.[1] : undefined;
      }
      if (cursor === undefined) return undefined;
    }
    return cursor;
  }

  /**
   * Offset of the node at `path` (or of its key, when `atKey`), falling back to the nearest ancestor;
   * undefined when the answer needs the full parser.
   */
  offsetOf(path: readonly PathSegment[], atKey: boolean): number | undefined {
    for (let n = path.length; n >= 0; n--) {
      if (atKey && n === path.length && n > 0) {
        const parent = this.at(path.slice(0, n - 1));
        const children = parent === undefined ? undefined : this.childrenOf(parent);
        const entry = children && !Array.isArray(children) ? children.get(String(path[n - 1])) : undefined;
        if (entry) return this.offset(entry[0]);
        continue;
      }
      const node = this.at(path.slice(0, n));
      if (node !== undefined) return this.offset(node);
    }
    return 0;
  }

  private offset(at: number): number | undefined {
    return this.start[at] === -1 ? undefined : this.start[at];
  }
}
