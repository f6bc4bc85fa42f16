// The fast YAML path (js-yaml events) must agree with the full parser (`yaml`) on everything it accepts:
// the same value, no YAML error or warning that `yaml` would report, and the same offset for every node
// and key a diagnostic can point at. It must decline what only the full parser handles. Checked on every
// plan in the repository and on seeded mutations of them (typos, stray tabs, quotes, markers).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { LineCounter, parseDocument } from 'yaml';
import { fastParse, resolvePlainScalar } from '../src/compiler/fast-yaml.js';
import { loadPlan } from '../src/compiler/load.js';
import { limits, offsetOf, type SourceFile } from '../src/compiler/source.js';
import { scanYamlSubset } from '../src/compiler/yaml-subset.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

type Reader = (text: string, maxDepth: number) => ReturnType<typeof fastParse>;

/**
 * Problems found comparing a fast reader (fastParse, or the direct scanner it tries first) with `yaml` on
 * one text; [] when they agree (or the reader declines).
 */
function disagreements(text: string, read: Reader = fastParse): string[] {
  const fast = read(text, limits.maxDepth);
  if (!fast) return [];
  const { doc, value, slow, paths } = reference(text);
  if (doc.errors.length || doc.warnings.length) return [`fast path accepted what yaml reports: ${[...doc.errors, ...doc.warnings].map((e) => e.code).join(', ')}`];
  const problems: string[] = [];
  if (!isDeepStrictEqual(value, fast.value)) problems.push(`value differs: ${JSON.stringify(fast.value)?.slice(0, 200)} vs ${JSON.stringify(value)?.slice(0, 200)}`);
  const index = fast.positions;
  for (const p of paths) {
    // Also paths that miss (a key that is not there, an index as a string): both fall back alike.
    for (const tail of [[], ['absent'], [0], ['0']] as (string | number)[][]) {
      for (const atKey of [false, true]) {
        const at = [...p, ...tail];
        const mine = index.offsetOf(at, atKey);
        if (mine === undefined) continue; // the full parser answers this one
        const theirs = offsetOf(slow, at, atKey);
        if (mine !== theirs) problems.push(`offset of ${JSON.stringify(at)}${atKey ? ' (key)' : ''}: ${mine} vs ${theirs}`);
      }
    }
  }
  return problems;
}

/**
 * What `yaml` makes of a text: its document, value, the SourceFile diagnostics read positions from, and
 * every path into the value. Each text is compared with two readers (fastParse and the direct scanner):
 * the reference is parsed once for both (the last text's, the only one asked for twice in a row).
 */
let last: { text: string; ref: ReturnType<typeof parseReference> } | undefined;
function reference(text: string): ReturnType<typeof parseReference> {
  if (last?.text !== text) last = { text, ref: parseReference(text) };
  return last.ref;
}

function parseReference(text: string) {
  const doc = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: false });
  const clean = doc.errors.length === 0 && doc.warnings.length === 0;
  const value = clean ? (doc.toJS({ maxAliasCount: limits.maxAliasCount }) as unknown) : undefined;
  const slow = { file: 'plan.yaml', text, doc, lineCounter: new LineCounter() } as SourceFile;
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, Array.isArray(v) ? Number(k) : k]);
  };
  if (clean) walk(value, []);
  return { doc, value, slow, paths };
}

const plans = [...yamlFiles(path.join(root, 'test/fixtures')), ...yamlFiles(path.join(root, 'examples'))];

t.test('every plan in the repository: the fast path agrees with yaml', async (t) => {
  let accepted = 0;
  let scanned = 0;
  for (const file of plans) {
    const text = readFileSync(file, 'utf8');
    if (fastParse(text, limits.maxDepth)) accepted++;
    if (scanYamlSubset(text, limits.maxDepth)) scanned++;
    t.same(disagreements(text), [], path.relative(root, file));
    t.same(disagreements(text, scanYamlSubset), [], `${path.relative(root, file)} (direct scanner)`);
  }
  t.ok(accepted > plans.length / 2, `the fast path reads most plans (${accepted} of ${plans.length})`);
  t.ok(scanned > plans.length / 2, `the direct scanner reads most plans (${scanned} of ${plans.length})`);
});

/** Seeded edits of the given texts: snippets inserted, characters deleted, lines duplicated. */
function mutations(texts: readonly string[], count: number, seed: number, snippets: readonly string[]): string[] {
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let text = pick(texts);
    for (let m = 1 + Math.floor(rand() * 3); m > 0; m--) {
      const at = Math.floor(rand() * text.length);
      const op = rand();
      if (op < 0.6) text = text.slice(0, at) + pick(snippets) + text.slice(at);
      else if (op < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 3));
      else {
        const lines = text.split('\n');
        lines.splice(Math.floor(rand() * lines.length), 0, pick(lines));
        text = lines.join('\n');
      }
    }
    out.push(text);
  }
  return out;
}

const snippets = [
  '\t',
  ' ',
  '#',
  ' #x',
  ':',
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '"',
  "'",
  '\n',
  '\n  ',
  '? ',
  '&a ',
  '*a',
  '!!str ',
  '|',
  '>-\n  ',
  '---\n',
  '...\n',
  '%YAML 1.2\n',
  'yes',
  '0o17',
  '0x1F',
  '1e3',
  '.inf',
  '-.Inf',
  '.NaN',
  '+12',
  '1_000',
  '08',
  '.5',
  '~',
  'FALSE',
  '\\',
  '"a\\tb"',
  "'it''s'",
  'a: b: c',
  '@',
  '\r\n',
  '\r',
  '\u2028',
  '<<: ',
  '\ufeff',
];

const texts = plans.map((f) => readFileSync(f, 'utf8')).filter((s) => !s.includes('\u0000'));

t.test('seeded mutations of those plans: whatever the fast path accepts, yaml reads the same way', async (t) => {
  const found: string[] = [];
  for (const text of mutations(texts, 400, 20261201, snippets)) {
    found.push(...disagreements(text).map((p) => `${p}\n--- text:\n${text.slice(0, 300)}`));
    found.push(...disagreements(text, scanYamlSubset).map((p) => `direct scanner: ${p}\n--- text:\n${text.slice(0, 300)}`));
  }
  t.same(found.slice(0, 3), []);
});

t.test('seeded mutations of the plans the direct scanner reads: whatever it accepts, yaml reads the same way', async (t) => {
  // Edits aimed at the scanner's own rules: indentation, comments, empty values, colons and dashes in
  // scalars, quotes, flow punctuation.
  const aimed = [
    ...snippets,
    '\n    ',
    '\n      ',
    '  ',
    '-3',
    '-x',
    'a:b',
    ':b',
    "''",
    ' # c',
    '#c',
    '\n# c\n',
    '\n        # c',
    'x:',
    'x: ',
    '\n- ',
    '\n  - ',
    '[]',
    '{}',
    ', ',
    '"a:b"',
    "'a''b'",
    '.',
    '/',
    '~',
  ];
  const readable = texts.filter((text) => scanYamlSubset(text, limits.maxDepth));
  const found: string[] = [];
  let scanned = 0;
  for (const text of mutations(readable, 1200, 7, aimed)) {
    if (scanYamlSubset(text, limits.maxDepth)) scanned++;
    found.push(...disagreements(text, scanYamlSubset).map((p) => `${p}\n--- text:\n${text.slice(0, 300)}`));
  }
  t.same(found.slice(0, 3), []);
  t.ok(scanned > 150, `the scanner read ${scanned} of the 1200 mutations`);
});

t.test('the direct scanner reads the shapes plans are written in, as yaml does', async (t) => {
  const shapes: Record<string, string> = {
    "a list at its key's indentation": 'tasks:\n- id: a\n  deps:\n  - b\n- id: b\nname: x\n',
    'comment lines at any indentation': '# top\n\na: 1\n    # deep\n# top\nb:\n  # inside\n  c: 2  # after\n',
    'empty values': 'a:\nb: 1\nc:\n  d:\ne:\n',
    quotes: `a: 'it''s'\nb: "x: y # z"\nc: ["a, b", 'c', ""]\n`,
    'colons in flow scalars': 'a: [X:v1, Y:v2]\nb: { k: http://x.y/z }\nc: 10:30\n',
    'dashes and numbers': 'a: -3\nb: [-1, -x, 1.5, .5, 0o7]\nc: 1e3\nd: 0x1F\n',
    'hash signs': 'a: C# code\nb: x #comment\nc: [a#b]\n',
    'trailing spaces': 'a: b   \nc: [d]   \ne:   \n  - f  \n',
    'keys with dots and slashes': 'src/a.ts: 1\nv1.2-x_y: 2\n',
    'nested flow collections': 'a: { b: [1, { c: d }], e: {}, f: [] }\n',
    'lists of scalars and mappings': 'a:\n  - x\n  - y z\n  - k: v\n    l: [w]\nb: 2\n',
    'no final line break': 'a: 1\nb: [x]',
  };
  for (const [what, text] of Object.entries(shapes)) {
    t.ok(scanYamlSubset(text, limits.maxDepth), `${what}: read by the scanner`);
    t.same(disagreements(text, scanYamlSubset), [], what);
  }
});

t.test('the fast path declines what only the full parser handles', async (t) => {
  const base = 'version: 1\nname: p\ntasks:\n  - { id: a, title: A, acceptance: [ok] }\n';
  t.ok(fastParse(base, limits.maxDepth), 'a plain plan is read fast');
  const declined: Record<string, string> = {
    anchor: `${base}defaults: &d { cwd: . }\n`,
    alias: 'version: 1\nname: &n p\ntitle: *n\n',
    tag: `${base}x: !!str 1\n`,
    'duplicate key': `${base}name: q\n`,
    'collection key': `${base}? [a]\n: b\n`,
    'number key': `${base}1: b\n`,
    'two documents': `${base}---\nversion: 1\n`,
    'document end': `...\n${base}`,
    directive: `%YAML 1.2\n---\n${base}`,
    'syntax error': `${base}  - { id: b\n`,
    'lone carriage return': base.replace('name: p\n', 'name: p\r'),
    'too deep': `x: ${'['.repeat(limits.maxDepth + 1)}${']'.repeat(limits.maxDepth + 1)}\n`,
    'comment only': '# nothing\n',
    'long key': `${'k'.repeat(1100)}: v\n`,
  };
  for (const [what, text] of Object.entries(declined)) t.equal(fastParse(text, limits.maxDepth), null, what);
});

t.test('plain scalars resolve as yaml resolves them (YAML 1.2 core schema)', async (t) => {
  const samples = [
    '',
    '~',
    'null',
    'Null',
    'NULL',
    'nULL',
    'true',
    'True',
    'TRUE',
    'tRUE',
    'false',
    'yes',
    'no',
    'on',
    'y',
    '0',
    '-0',
    '+12',
    '007',
    '08',
    '0o17',
    '0o8',
    '-0o17',
    '0x1F',
    '0X1F',
    '-0x1',
    '1_000',
    '0b101',
    '1.',
    '.5',
    '-.5',
    '1.5e3',
    '1e3',
    '1E-3',
    '+.inf',
    '-.Inf',
    '.INF',
    '.nan',
    '.NaN',
    '.NAN',
    'nan',
    '1.2.3',
    '12:30',
    '2026-12-01',
    '123456789012345678901',
  ];
  for (const s of samples) {
    const expected = parseDocument(`v: ${s}\n`).toJS().v;
    t.same(resolvePlainScalar(s), expected, JSON.stringify(s));
  }
});

t.test("a diagnostic inside a block scalar or at an empty value gets the full parser's position", async (t) => {
  const text = 'version: 1\nname: p\ntasks:\n  - id: a\n    title: A\n    acceptance: [ok]\n    description: |\n      first\n    risk:\n    estimate: |\n      3x\n';
  const result = loadPlan('plan.yaml', text);
  const loaded = result.ok ? result.value : result.error;
  const at = loaded.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);
  const slow = parseDocument(text, { lineCounter: new LineCounter() });
  t.ok(loaded.source?.positions, 'read by the fast path');
  t.ok(at.length >= 2, `diagnostics: ${at.join('; ')}`);
  // The same positions the full parser gives for those nodes.
  const lc = new LineCounter();
  parseDocument(text, { lineCounter: lc });
  const risk = slow.getIn(['tasks', 0, 'risk'], true) as { range: number[] };
  const estimate = slow.getIn(['tasks', 0, 'estimate'], true) as { range: number[] };
  for (const node of [risk, estimate]) {
    const { line, col } = lc.linePos(node.range[0]!);
    t.ok(
      at.some((a) => a.startsWith(`${line}:${col} `)),
      `a diagnostic at ${line}:${col}`,
    );
  }
});
