/**
 * gitleaks' published token rules (ported as data to gitleaks-rules.ts), applied the way gitleaks applies
 * them: a keyword must occur (case-insensitive) before the regex runs, the secret is the rule's secret group
 * (else its first non-empty group, else the whole match), it must reach the rule's entropy, and it must not
 * match the rule's or the global allowlist. They cover the long tail of providers (GitLab, Hugging Face,
 * SendGrid, Twilio, npm, PyPI, age, Doppler...) so new token formats arrive by re-running the port script
 * rather than by writing regexes here.
 */
import { GITLEAKS_RULES, GLOBAL_ALLOW, type PortedRegex } from './gitleaks-rules.js';
import { entropy } from './entropy.js';
import { TOKEN_CHAR_AFTER, TOKEN_CHAR_BEFORE } from './patterns.js';

export interface RuleSpan {
  kind: string;
  start: number;
  end: number;
}

interface CompiledRule {
  id: string;
  keywords: string[];
  entropy: number;
  secretGroup: number;
  /** The rule's regexes, compiled on first use: a text brings in only the rules whose keywords it holds. */
  regexes(): { re: RegExp; allow: { target: string; regexes: RegExp[]; stopwords: string[] }[] };
}

const LEFT_PREFIX = '[\\w.-]{0,50}?';

const compile = (r: PortedRegex, extra = ''): RegExp => new RegExp(r.source, r.flags + extra);

let compiled: CompiledRule[] | null = null;
let globalAllow: RegExp[] = [];
/** Every distinct keyword, and for each the rules that need it: one pass over the keywords per text. */
let byKeyword: Map<string, CompiledRule[]> = new Map();
/** All keywords in one alternation: one regex pass finds which are present (far cheaper than one search each). */
let anyKeyword: RegExp = /$^/g;

function rules(): CompiledRule[] {
  if (compiled) return compiled;
  compiled = GITLEAKS_RULES.map((r) => {
    let regexes: ReturnType<CompiledRule['regexes']> | undefined;
    return {
      id: r.id,
      keywords: r.keywords.map((k) => k.toLowerCase()),
      entropy: r.entropy,
      secretGroup: r.secretGroup,
      regexes: () =>
        (regexes ??= {
          // The identifier-style rules begin with `[\w.-]{0,50}?`, which only widens the match to the left and
          // makes the regex retry at every position; the secret group is the same without it.
          re: compile({ source: r.source.replaceAll(LEFT_PREFIX, ''), flags: r.flags }, 'gd'),
          allow: r.allow.map((a) => ({ target: a.target, regexes: a.regexes.map((x) => compile(x)), stopwords: a.stopwords.map((s) => s.toLowerCase()) })),
        }),
    };
  });
  globalAllow = GLOBAL_ALLOW.map((x) => compile(x));
  byKeyword = new Map();
  for (const rule of compiled) {
    for (const k of rule.keywords) {
      const list = byKeyword.get(k);
      if (list) list.push(rule);
      else byKeyword.set(k, [rule]);
    }
  }
  // A keyword found also brings in the rules of every keyword it contains (`sk-ant-api03` holds `sk-ant`).
  // (Plain arrays, not the Map's entries: this compares every pair of some 230 keywords on every start-up.)
  const keywords = [...byKeyword.keys()];
  const own = keywords.map((k) => [...byKeyword.get(k)!]);
  for (const k of keywords) {
    const list = byKeyword.get(k)!;
    for (let o = 0; o < keywords.length; o++) if (keywords[o]!.length < k.length && k.includes(keywords[o]!)) list.push(...own[o]!);
  }
  // Longest first, so a keyword that contains another is still seen at the same position.
  const words = [...keywords].sort((a, b) => b.length - a.length);
  anyKeyword = new RegExp(trieSource(words), 'g');
  return compiled;
}

const escape = (ch: string): string => ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * One regex for all keywords, factored by common prefixes (`a(?:ge-secret-key-1|irtable|lgolia)`): the regex
 * engine then dispatches on each character instead of trying hundreds of alternatives at every position.
 * Longer keywords come first at each branch, so the longest keyword at a position is the one matched.
 */
function trieSource(words: string[]): string {
  interface Node {
    end: boolean;
    next: Map<string, Node>;
  }
  const rootNode: Node = { end: false, next: new Map() };
  for (const w of words) {
    let node = rootNode;
    for (const ch of w) {
      let child = node.next.get(ch);
      if (!child) node.next.set(ch, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  const render = (node: Node): string => {
    const branches = [...node.next].map(([ch, child]) => escape(ch) + render(child));
    if (branches.length === 0) return '';
    const body = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
    return node.end ? `(?:${body})?` : body;
  };
  return render(rootNode);
}

function allowed(rule: CompiledRule, secret: string, match: string, line: string): boolean {
  if (globalAllow.some((re) => re.test(secret))) return true;
  const lower = secret.toLowerCase();
  for (const a of rule.regexes().allow) {
    const target = a.target === 'match' ? match : a.target === 'line' ? line : secret;
    if (a.regexes.some((re) => re.test(target))) return true;
    if (a.stopwords.some((w) => lower.includes(w))) return true;
  }
  return false;
}

/** Spans found by the ported rules, possibly overlapping; the caller resolves overlaps. */
export function gitleaksSpans(text: string): RuleSpan[] {
  rules();
  const candidates = new Set<CompiledRule>();
  anyKeyword.lastIndex = 0;
  const seen = new Set<string>();
  const lower = text.toLowerCase();
  for (let m = anyKeyword.exec(lower); m !== null; m = anyKeyword.exec(lower)) {
    // Resume one character on: a keyword may start inside the one just found.
    anyKeyword.lastIndex = m.index + 1;
    const word = m[0].toLowerCase();
    if (seen.has(word)) continue;
    seen.add(word);
    for (const r of byKeyword.get(word)!) candidates.add(r);
  }
  if (candidates.size === 0) return [];
  const out: RuleSpan[] = [];
  for (const rule of candidates) {
    const re = rule.regexes().re;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      let group = rule.secretGroup;
      if (group === 0) group = m.findIndex((g, i) => i > 0 && g !== undefined && g !== '');
      const [start, end] = group > 0 && m.indices![group] ? m.indices![group]! : [m.index, m.index + m[0].length];
      // Inside a longer run of base64/base64url (an inline image, a signed URL) a prefix such as `gho_` followed
      // by the right number of letters turns up by chance, about once in 3,300 random 4 KB payloads. A token
      // rule (its secret is where its match starts) gets the fence of our own token patterns: a token-like
      // character on both sides means it is part of something longer, not a token. Rules that find a value
      // after a keyword (`my_service_key = "..."`) are left as gitleaks has them.
      if (start === m.index && start > 0 && TOKEN_CHAR_BEFORE.test(text[start - 1]!) && end < text.length && TOKEN_CHAR_AFTER.test(text[end]!)) continue;
      const secret = text.slice(start, end);
      if (rule.entropy > 0 && entropy(secret) <= rule.entropy) continue;
      const lineStart = text.lastIndexOf('\n', m.index) + 1;
      const lineEnd = text.indexOf('\n', m.index + m[0].length);
      if (allowed(rule, secret, m[0], text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd))) continue;
      out.push({ kind: rule.id, start, end });
    }
  }
  return out;
}
