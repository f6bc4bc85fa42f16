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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

/** Problems found comparing the two parsers on one text; [] when they agree (or the fast path declines). */
function disagreements(text: string): string[] {
  const fast = fastParse(text, limits.maxDepth);
  if (!fast) return [];
  const doc = parseDocument(text, { uniqueKeys: true, strict: true, prettyErrors: false });
  if (doc.errors.length || doc.warnings.length) return [`fast path accepted what yaml reports: ${[...doc.errors, ...doc.warnings].map((e) => e.code).join(', ')}`];
  const problems: string[] = [];
  const value = doc.toJS({ maxAliasCount: limits.maxAliasCount }) as unknown;
  if (!isDeepStrictEqual(value, fast.value)) problems.push(`value differs: ${JSON.stringify(fast.value)?.slice(0, 200)} vs ${JSON.stringify(value)?.slice(0, 200)}`);
  const index = fast.positions;
  const slow = { file: 'plan.yaml', text, doc, lineCounter: new LineCounter() } as SourceFile;
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...p, Array.isArray(v) ? Number(k) : k]);
  };
  walk(value, []);
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

const plans = [...yamlFiles(path.join(root, 'test/fixtures')), ...yamlFiles(path.join(root, 'examples'))];

t.test('every plan in the repository: the fast path agrees with yaml', async (t) => {
  let accepted = 0;
  for (const file of plans) {
    const text = readFileSync(file, 'utf8');
    if (fastParse(text, limits.maxDepth)) accepted++;
    t.same(disagreements(text), [], path.relative(root, file));
  }
  t.ok(accepted > plans.length / 2, `the fast path reads most plans (${accepted} of ${plans.length})`);
});

t.test('seeded mutations of those plans: whatever the fast path accepts, yaml reads the same way', async (t) => {
  let seed = 20261201;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
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
  const found: string[] = [];
  for (let k = 0; k < 400; k++) {
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
    found.push(...disagreements(text).map((p) => `${p}\n--- text:\n${text.slice(0, 300)}`));
  }
  t.same(found.slice(0, 3), []);
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
