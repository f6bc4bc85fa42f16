/**
 * The quickest way to read a plan: a direct scanner for the YAML that plans are almost always written in
 * (block mappings and lists by indentation, one-line flow collections, plain and simple quoted scalars,
 * comments), building the value and the position index in one pass over the text without any
 * intermediate event objects. It is deliberately narrow: anything outside that subset (tabs, carriage
 * returns, multi-line scalars or flow collections, block scalars, escapes in double quotes, anchors,
 * aliases, tags, quoted or unusual keys, indicators at the start of a value, duplicate keys, ...) makes it
 * return null, and fast-yaml.ts then reads the plan with js-yaml's events (and, failing that, `yaml`).
 * So a plan gets the same value and the same positions whichever reader took it; test/fast-yaml.test.ts
 * checks both against `yaml` on every plan in the repository and on seeded mutations of them.
 */
import { PositionIndex, resolvePlainScalar } from './fast-yaml.js';

// The same event kinds PositionIndex reads (js-yaml's ids).
const DOCUMENT = 1,
  SEQUENCE = 2,
  MAPPING = 3,
  SCALAR = 4,
  POP = 6;
/** `yaml` rejects implicit keys longer than this (the YAML spec's limit). */
const MAX_IMPLICIT_KEY = 1024;
/** Slots of the key cache (a power of two). */
const KEY_CACHE_SIZE = 512;

const NL = 10,
  SPACE = 32,
  HASH = 35,
  COLON = 58,
  COMMA = 44,
  DQUOTE = 34,
  SQUOTE = 39,
  LBRACKET = 91,
  RBRACKET = 93,
  LBRACE = 123,
  RBRACE = 125,
  DASH = 45;

/** Characters of a key the scanner reads itself: letters, digits, `_`, `-`, `.`, `/`. */
function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46 || c === 47;
}

/**
 * Whether a plain scalar may start with this character here: not a space or line break and none of YAML's
 * indicators (- ? : , [ ] { } # & * ! | > ' " % @ `), which either mean something else or need the
 * full parser's rules.
 */
function isPlainStart(c: number): boolean {
  switch (c) {
    case NL:
    case SPACE:
    case DASH:
    case 63: // ?
    case COLON:
    case COMMA:
    case LBRACKET:
    case RBRACKET:
    case LBRACE:
    case RBRACE:
    case HASH:
    case 38: // &
    case 42: // *
    case 33: // !
    case 124: // |
    case 62: // >
    case SQUOTE:
    case DQUOTE:
    case 37: // %
    case 64: // @
    case 96: // `
      return false;
    default:
      return !Number.isNaN(c);
  }
}

/** `larger` holding `array`'s values at its start (an event array after the scan outgrew it). */
function grown<T extends Uint8Array | Int32Array>(array: T, larger: T): T {
  larger.set(array);
  return larger;
}

/** Thrown inside the scan to hand the plan to the next reader. */
class Decline extends Error {}
const decline = (): never => {
  throw new Decline();
};

/** The plan's value and its node positions, or null when another reader must take it (see the module comment). */
export function scanYamlSubset(text: string, maxDepth: number): { value: unknown; positions: PositionIndex } | null {
  // Whole-text exclusions: tabs and carriage returns change indentation and line counting rules; NEL, the
  // Unicode line and paragraph separators and a byte order mark are line breaks or markers to some readers.
  if (/[\t\r\u0085\u2028\u2029\ufeff]/.test(text)) return null;
  const len = text.length;
  // About one event per three to four characters in a plan: start near that, so the arrays rarely grow.
  let cap = Math.max(1024, text.length >> 2);
  let kind = new Uint8Array(cap);
  let start = new Int32Array(cap);
  let next = new Int32Array(cap);
  let keyIndex = new Int32Array(cap);
  const keys: string[] = [];
  let n = 0;
  const grow = (): void => {
    cap *= 2;
    kind = grown(kind, new Uint8Array(cap));
    start = grown(start, new Int32Array(cap));
    next = grown(next, new Int32Array(cap));
    keyIndex = grown(keyIndex, new Int32Array(cap));
  };
  /** A new event; returns its index. */
  const event = (type: number, at: number): number => {
    if (n === cap) grow();
    kind[n] = type;
    start[n] = at;
    return n++;
  };
  const scalar = (at: number): void => {
    const e = event(SCALAR, at);
    next[e] = e + 1;
  };
  const pop = (opened: number): void => {
    event(POP, 0);
    next[opened] = n;
  };

  let pos = 0;
  /** Column of the content line `pos` is on (set by nextLine), -1 at the end of the text. */
  let col = -1;
  let depth = 0;

  /** From the start of a line: skip blank and comment-only lines; `pos` = first content character, `col` its column. */
  const nextLine = (): void => {
    while (pos < len) {
      const lineStart = pos;
      let c = text.charCodeAt(pos);
      while (c === SPACE) c = text.charCodeAt(++pos);
      if (pos >= len) break;
      if (c === NL) {
        pos++;
        continue;
      }
      if (c === HASH) {
        const end = text.indexOf('\n', pos);
        pos = end === -1 ? len : end + 1;
        continue;
      }
      col = pos - lineStart;
      return;
    }
    pos = len;
    col = -1;
  };

  /** After a value on a line: only spaces, then a comment (after a space) or the line break. Moves to the next content line. */
  const endLine = (): void => {
    const from = pos;
    let c = text.charCodeAt(pos);
    while (c === SPACE) c = text.charCodeAt(++pos);
    if (c === HASH) {
      if (pos === from) decline();
      const end = text.indexOf('\n', pos);
      pos = end === -1 ? len : end + 1;
    } else if (c === NL) pos++;
    else if (pos < len) decline();
    nextLine();
  };

  /** A plain key at `pos` ending in `:` then a space or line break: its end, or -1 when the text there is not one. */
  const keyEnd = (): number => {
    let p = pos;
    while (isKeyChar(text.charCodeAt(p))) p++;
    if (p === pos || text.charCodeAt(p) !== COLON) return -1;
    const after = text.charCodeAt(p + 1);
    return after === SPACE || after === NL || p + 1 >= len ? p : -1;
  };

  /** Reads the key ending at `end` (from `pos`) into `map`; returns it. */
  // The same few keys (id, title, estimate, ...) come back on every task: a small cache, checked against the
  // text in place, hands back the string already made (and already a property name) instead of slicing a
  // new one that every mapping store would have to look up in V8's string table again.
  const keyCache: (string | undefined)[] = new Array<string | undefined>(KEY_CACHE_SIZE);
  const readKey = (map: Record<string, unknown>, end: number): string => {
    const size = end - pos;
    if (size > MAX_IMPLICIT_KEY || text.charCodeAt(pos) === DASH) decline();
    const slot = (size * 31 + text.charCodeAt(pos) * 7 + text.charCodeAt(end - 1) + text.charCodeAt(pos + (size >> 1)) * 3) & (KEY_CACHE_SIZE - 1);
    let key = keyCache[slot];
    if (key === undefined || key.length !== size || !text.startsWith(key, pos)) {
      const resolved = resolvePlainScalar(text.slice(pos, end));
      if (typeof resolved !== 'string' || resolved === '__proto__') decline();
      key = resolved as string;
      keyCache[slot] = key;
    }
    if (Object.prototype.hasOwnProperty.call(map, key)) decline();
    const e = event(SCALAR, pos);
    next[e] = e + 1;
    keyIndex[e] = keys.push(key) - 1;
    pos = end + 1;
    return key;
  };

  const open = (type: number, at: number): number => {
    if (++depth > maxDepth) decline();
    return event(type, at);
  };

  /** A quoted scalar starting at `pos` (on one line, no escapes in double quotes); `pos` ends after the closing quote. */
  const quoted = (): string => {
    const q = text.charCodeAt(pos);
    const from = pos + 1;
    scalar(pos);
    if (q === DQUOTE) {
      const end = text.indexOf('"', from);
      if (end === -1) decline();
      const s = text.slice(from, end);
      if (s.includes('\\') || s.includes('\n')) decline();
      pos = end + 1;
      return s;
    }
    let p = from;
    let out = '';
    for (;;) {
      const end = text.indexOf("'", p);
      if (end === -1) decline();
      out += text.slice(p, end);
      if (text.charCodeAt(end + 1) === SQUOTE) {
        out += "'";
        p = end + 2;
        continue;
      }
      pos = end + 1;
      break;
    }
    if (out.includes('\n')) decline();
    return out;
  };

  /** A plain scalar in block context, to the end of the line or a comment. */
  const blockPlain = (): unknown => {
    const from = pos;
    let end = text.indexOf('\n', pos);
    if (end === -1) end = len;
    let stop = end;
    for (let p = pos; p < end; p++) {
      const c = text.charCodeAt(p);
      if (c === COLON) {
        const after = text.charCodeAt(p + 1);
        if (after === SPACE || p + 1 === end) decline(); // a mapping where a value was expected
      } else if (c === HASH && text.charCodeAt(p - 1) === SPACE) {
        stop = p;
        break;
      }
    }
    let last = stop;
    while (text.charCodeAt(last - 1) === SPACE) last--;
    scalar(from);
    pos = last; // endLine reads the comment that may follow
    return resolvePlainScalar(text.slice(from, last));
  };

  /** A plain scalar inside a flow collection: up to , ] } (no `: `, comment, bracket or line break in it). */
  const flowPlain = (): unknown => {
    const from = pos;
    let p = pos;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === COMMA || c === RBRACKET || c === RBRACE) break;
      if (c === COLON) {
        // Part of the scalar (AuthAPI:v2) only when a character that may follow in a flow scalar comes next.
        const after = text.charCodeAt(p + 1);
        if (after === SPACE || after === NL || after === COMMA || after === LBRACKET || after === RBRACKET || after === LBRACE || after === RBRACE || Number.isNaN(after))
          decline();
      } else if (c === NL || c === LBRACKET || c === LBRACE || Number.isNaN(c) || (c === HASH && text.charCodeAt(p - 1) === SPACE)) decline();
      p++;
    }
    let last = p;
    while (text.charCodeAt(last - 1) === SPACE) last--;
    scalar(from);
    pos = p;
    return resolvePlainScalar(text.slice(from, last));
  };

  const skipSpaces = (): number => {
    let c = text.charCodeAt(pos);
    while (c === SPACE) c = text.charCodeAt(++pos);
    return c;
  };

  /** A value inside a flow collection. */
  const flowValue = (): unknown => {
    const c = text.charCodeAt(pos);
    if (c === LBRACE || c === LBRACKET) return flow();
    if (c === DQUOTE || c === SQUOTE) {
      const s = quoted();
      if (skipSpaces() === COLON) decline(); // a quoted key
      return s;
    }
    if (!isPlainStart(c) && !(c === DASH && isPlainStart(text.charCodeAt(pos + 1)))) decline(); // -3, -x: a plain scalar
    return flowPlain();
  };

  /** A flow collection that opens and closes on this line. */
  const flow = (): unknown => {
    const opener = text.charCodeAt(pos);
    const e = open(opener === LBRACE ? MAPPING : SEQUENCE, pos);
    pos++;
    let c = skipSpaces();
    let result: unknown;
    if (opener === LBRACKET) {
      const items: unknown[] = [];
      if (c !== RBRACKET) {
        for (;;) {
          items.push(flowValue());
          c = skipSpaces();
          if (c === RBRACKET) break;
          if (c !== COMMA) decline();
          pos++;
          if (skipSpaces() === RBRACKET) decline(); // a trailing comma
        }
      }
      result = items;
    } else {
      const map: Record<string, unknown> = {};
      if (c !== RBRACE) {
        for (;;) {
          const end = keyEnd();
          if (end === -1 || text.charCodeAt(end + 1) !== SPACE) decline();
          const key = readKey(map, end);
          c = skipSpaces();
          if (c === COMMA || c === RBRACE) decline(); // an empty value
          map[key] = flowValue();
          c = skipSpaces();
          if (c === RBRACE) break;
          if (c !== COMMA) decline();
          pos++;
          if (skipSpaces() === RBRACE) decline();
        }
      }
      result = map;
    }
    pos++; // the closing bracket
    pop(e);
    depth--;
    return result;
  };

  /** The value after `key:` or `- ` on this line (pos at its first character), up to the end of the line. */
  const inlineValue = (): unknown => {
    const c = text.charCodeAt(pos);
    let value: unknown;
    if (c === LBRACE || c === LBRACKET) value = flow();
    else if (c === DQUOTE || c === SQUOTE) {
      value = quoted();
      if (skipSpaces() === COLON) decline(); // a quoted key
    } else if (isPlainStart(c) || (c === DASH && isPlainStart(text.charCodeAt(pos + 1)))) value = blockPlain();
    else decline();
    endLine();
    return value;
  };

  /** A block mapping whose first key is at `pos`, in column `indent`. */
  const blockMapping = (indent: number): Record<string, unknown> => {
    const e = open(MAPPING, pos);
    const map: Record<string, unknown> = {};
    for (;;) {
      const end = keyEnd();
      if (end === -1) decline();
      const key = readKey(map, end);
      const c = skipSpaces();
      if (c === NL || c === HASH || pos >= len) {
        if (c === HASH && text.charCodeAt(pos - 1) !== SPACE) decline();
        endLine();
        if (col > indent) map[key] = blockNode();
        else if (col === indent && text.charCodeAt(pos) === DASH) map[key] = blockSequence(indent);
        else {
          // An empty value: null, at a position only the full parser knows.
          scalar(-1);
          map[key] = null;
        }
      } else map[key] = inlineValue();
      if (col < indent) break;
      if (col > indent) decline(); // a continuation line or bad indentation
    }
    pop(e);
    depth--;
    return map;
  };

  /** A block sequence whose first `-` is at `pos`, in column `indent`. */
  const blockSequence = (indent: number): unknown[] => {
    const e = open(SEQUENCE, pos);
    const items: unknown[] = [];
    for (;;) {
      if (text.charCodeAt(pos) !== DASH || text.charCodeAt(pos + 1) !== SPACE) decline();
      pos += 2;
      const c = skipSpaces();
      if (c === NL || c === HASH || pos >= len || c === DASH) decline();
      if (isKeyChar(c) && keyEnd() !== -1) {
        items.push(blockMapping(pos - text.lastIndexOf('\n', pos - 1) - 1));
      } else items.push(inlineValue());
      if (col < indent || (col === indent && text.charCodeAt(pos) !== DASH)) break;
      if (col > indent) decline();
    }
    pop(e);
    depth--;
    return items;
  };

  /** A block collection starting at this content line. */
  const blockNode = (): unknown => {
    const indent = col;
    if (text.charCodeAt(pos) === DASH) return blockSequence(indent);
    return blockMapping(indent);
  };

  try {
    event(DOCUMENT, 0);
    nextLine();
    if (col !== 0 || text.charCodeAt(pos) === DASH) return null;
    const value = blockMapping(0);
    if ((col as number) !== -1) return null; // more after the root mapping
    event(POP, 0);
    next[0] = n;
    return { value, positions: new PositionIndex(kind, start, next, keyIndex, keys) };
  } catch (error) {
    if (error instanceof Decline || error instanceof RangeError) return null;
    throw error;
  }
}
