// Extracts the true-positive samples of gitleaks' rule tests (cmd/generate/config/rules/*.go, MIT licence,
// Copyright (c) 2019 Zachary Rice) into test/fixtures/secrets/gitleaks-samples.json, as test DATA.
// Literal samples are taken as written. Samples gitleaks generates at test time
// (utils.GenerateSampleSecret(s)(id, "prefix"+secrets.NewSecret(regex))) are generated here the same way,
// from the same regexes, with a seeded generator (randexp) so the file is reproducible; of the 26 contexts
// GenerateSampleSecrets writes, three (ini, yaml, json) are kept per call. Expressions this small reader
// cannot evaluate (local variables, loops) are skipped.
// Usage: npm i --no-save randexp@0.5.3 && node scripts/extract-gitleaks-samples.mjs RULES_DIR COMMIT
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import RandExp from 'randexp';

const [dir, commit = 'unknown'] = process.argv.slice(2);
let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const gen = (re) => {
  const r = new RandExp(new RegExp(re.replace(/\(\?i\)/g, '')));
  r.max = 8;
  r.randInt = (a, b) => a + Math.floor(rand() * (b - a + 1));
  return r.gen();
};
const UTILS = {
  Numeric: (n) => `[0-9]{${n}}`,
  Hex: (n) => `[a-f0-9]{${n}}`,
  AlphaNumeric: (n) => `[a-z0-9]{${n}}`,
  AlphaNumericExtendedShort: (n) => `[a-z0-9_-]{${n}}`,
  AlphaNumericExtended: (n) => `[a-z0-9=_\\-]{${n}}`,
  AlphaNumericExtendedLong: (n) => `[a-z0-9\\/=_\\+\\-]{${n}}`,
  Hex8_4_4_4_12: () => '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
};

const ESC = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', "'": "'" };
/** A Go interpreted string literal's body. */
const unquote = (body) => body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)/g, (_, e) => ESC[e] ?? (/^[xu]/.test(e) ? String.fromCharCode(parseInt(e.slice(1), 16)) : '\\' + e));

function tokenize(src) {
  const toks = [];
  const re = /\s+|\/\/[^\n]*|"((?:[^"\\\n]|\\.)*)"|`([^`]*)`|([A-Za-z_][A-Za-z0-9_.]*)|(\.\.\.|[(){}[\],+:=])|./gy;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    if (m[1] !== undefined) toks.push({ t: 'str', v: unquote(m[1]) });
    else if (m[2] !== undefined) toks.push({ t: 'str', v: m[2] });
    else if (m[3]) toks.push({ t: 'id', v: m[3] });
    else if (m[4]) toks.push({ t: 'p', v: m[4] });
    else if (!/^\s|^\/\//.test(m[0])) toks.push({ t: 'p', v: m[0] });
  }
  return toks;
}

class Fail extends Error {}
function parseExpr(toks, i) {
  // term (+ term)*; returns [value: string|string[] , next]
  let [v, j] = parseTerm(toks, i);
  while (toks[j]?.v === '+') {
    const [w, k] = parseTerm(toks, j + 1);
    if (typeof v !== 'string' || typeof w !== 'string') throw new Fail();
    v += w;
    j = k;
  }
  return [v, j];
}
function parseArgs(toks, i) {
  if (toks[i]?.v !== '(') throw new Fail();
  const args = [];
  let j = i + 1;
  while (toks[j]?.v !== ')') {
    const [v, k] = parseExpr(toks, j);
    args.push(v);
    j = k;
    if (toks[j]?.v === ',') j++;
  }
  return [args, j + 1];
}
function parseTerm(toks, i) {
  const tok = toks[i];
  if (!tok) throw new Fail();
  if (tok.t === 'str') return [tok.v, i + 1];
  if (tok.t === 'id') {
    const name = tok.v;
    const [args, j] = parseArgs(toks, i + 1);
    if (name === 'secrets.NewSecret') return [gen(args[0]), j];
    if (name.startsWith('utils.') && UTILS[name.slice(6)]) return [UTILS[name.slice(6)](...args), j];
    if (name === 'utils.GenerateSampleSecret') return [[`${args[0]}_api_token = "${args[1]}"`], j];
    if (name === 'utils.GenerateSampleSecrets') {
      const [id, s] = args;
      return [[`${id}Token="${s}"`, `${id}_token: ${s}`, `{\n    "${id}_token": "${s}"\n}`], j];
    }
  }
  throw new Fail();
}

const samples = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
  .sort()) {
  const toks = tokenize(readFileSync(path.join(dir, file), 'utf8'));
  let rule = null;
  for (let i = 0; i < toks.length; i++) {
    if (toks[i].v === 'RuleID' && toks[i + 1]?.v === ':' && toks[i + 2]?.t === 'str') rule = toks[i + 2].v;
    // tps := []string{ e1, e2 } | tps = append(tps, e1, e2...) | tps := utils.GenerateSampleSecrets(...)
    if (toks[i].v !== 'tps' || !['=', ':'].includes(toks[i + 1]?.v)) continue;
    let j = i + 1;
    while (toks[j]?.v === '=' || toks[j]?.v === ':') j++;
    let elems = [];
    let close = null;
    if (toks[j]?.v === '[' && toks[j + 1]?.v === ']' && toks[j + 2]?.v === 'string' && toks[j + 3]?.v === '{') {
      j += 4;
      close = '}';
    } else if (toks[j]?.v === 'append' && toks[j + 1]?.v === '(' && toks[j + 2]?.v === 'tps' && toks[j + 3]?.v === ',') {
      j += 4;
      close = ')';
    }
    if (close === null) {
      try {
        const [v] = parseExpr(toks, j);
        elems.push(v);
      } catch (e) {
        if (!(e instanceof Fail)) throw e;
      }
    } else {
      let depth = 0;
      let start = j;
      for (; j < toks.length; j++) {
        const v = toks[j].v;
        if (toks[j].t === 'p' && (v === '(' || v === '{' || v === '[')) depth++;
        else if (toks[j].t === 'p' && (v === ')' || v === '}' || v === ']')) {
          if (depth === 0) break;
          depth--;
        }
        if (depth === 0 && (v === ',' || (toks[j + 1]?.v === close && depth === 0))) {
          const end = v === ',' ? j : j + 1;
          const part = toks.slice(start, end).filter((t) => t.v !== '...');
          try {
            const [val, k] = parseExpr(part, 0);
            if (k === part.length) elems.push(val);
          } catch (e) {
            if (!(e instanceof Fail)) throw e;
          }
          start = j + 1;
        }
      }
    }
    for (const e of elems.flat()) if (typeof e === 'string' && e.length >= 8) samples.push({ rule, file, text: e });
  }
}
const unique = [...new Map(samples.map((s) => [s.text, s])).values()];
writeFileSync(
  new URL('../test/fixtures/secrets/gitleaks-samples.json', import.meta.url),
  JSON.stringify(
    {
      source: `gitleaks cmd/generate/config/rules/*.go at commit ${commit}`,
      license: 'MIT License, Copyright (c) 2019 Zachary Rice (https://github.com/gitleaks/gitleaks/blob/master/LICENSE)',
      note: 'true-positive test strings of gitleaks rules; literal ones as written, generated ones from the same regexes with a fixed seed',
      samples: unique,
    },
    null,
    1,
  ) + '\n',
);
console.log(`${unique.length} samples from ${new Set(unique.map((s) => s.rule)).size} rules`);
