// Compares secret detectors on the same inputs, in one run:
//   - the secrets corpus (test/fixtures/secrets/corpus.mjs: 100 fake secrets, 70 kinds, in .env, YAML, JSON,
//     URL, header and CLI contexts): caught = no part of the secret is left after redaction / is flagged;
//   - gitleaks' rule-test true positives (test/fixtures/secrets/gitleaks-samples.json);
//   - real source code, for false hits: every file of src/ (but the secret rules themselves) and 100 files
//     picked evenly from node_modules (sorted paths, so the pick is the same on every machine with the lock);
//     NM_FILES=<n> picks n instead (a wider scan; the throughput column then covers them too);
//   - random payloads, for false hits: 500 base64 and 500 base64url strings of 30,000 bytes each (an inline
//     image, a signed blob), from a seeded generator, so every run and machine scans the same bytes.
// Detectors: ours (src/secrets patterns only), gitleaks' rules ported as data, both together (what execplan
// ships), and secretlint with its recommended preset when installed (it is not a dependency:
//   npm i --no-save secretlint@11.7.1 @secretlint/core@11.7.1 @secretlint/secretlint-rule-preset-recommend@11.7.1
// the 13.x line needs Node 22).
// Usage: npx tsc -p tsconfig.build.json && node bench/secrets-detectors.mjs [runs=3] [--list]
//   SECRETS_DIST=<another build's dist/> measures that build's detectors instead (before/after a change).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildCorpus } from '../test/fixtures/secrets/corpus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { scanSecrets } = await import(pathToFileURL(path.join(path.resolve(process.env.SECRETS_DIST ?? path.join(root, 'dist')), 'secrets/index.js')).href);
const LIST = process.argv.includes('--list');
const runsArg = process.argv.filter((a) => a !== '--list')[2];
const RUNS = Number(runsArg ?? 3);
const NM_FILES = Number(process.env.NM_FILES ?? 100);
// A typo would quietly measure something else: say what is wrong instead (exit 2).
for (const [name, value] of [
  ['runs', RUNS],
  ['NM_FILES', NM_FILES],
]) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number >= 1, not ${JSON.stringify(name === 'runs' ? runsArg : process.env.NM_FILES)}`);
    process.exit(2);
  }
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}
const ownSrc = walk(path.join(root, 'src')).filter((f) => /\.ts$/.test(f) && !/src\/secrets\/(?:patterns|gitleaks-rules)\.ts$/.test(f));
const nm = walk(path.join(root, 'node_modules')).filter(
  (f) =>
    // .cache holds what tools wrote there (the test loader's compiled files): not the lockfile's, and it changes.
    !/node_modules\/(?:@secretlint|secretlint|randexp|\.cache)\//.test(f) &&
    /\.(?:[cm]?js|ts|json|md|ya?ml)$/.test(f) &&
    !/\.d\.ts$|\.min\.js$|package-lock|\.map$/.test(f) &&
    statSync(f).size < 400_000,
);
const nmCount = Math.min(nm.length, NM_FILES);
const step = nm.length / nmCount;
const nmPick = Array.from({ length: nmCount }, (_, i) => nm[Math.floor(i * step)]);
const realFiles = [...ownSrc, ...nmPick].map((f) => ({ file: path.relative(root, f), text: readFileSync(f, 'utf8') }));

/** Seeded random bytes (sha256 in counter mode): the same payloads on every run. */
function seededBytes(seed, n) {
  const out = Buffer.alloc(n);
  for (let at = 0, k = 0; at < n; k++) at += createHash('sha256').update(`${seed}:${k}`).digest().copy(out, at);
  return out;
}
const payloads = Array.from({ length: 1000 }, (_, i) => seededBytes(i, 30_000).toString(i % 2 ? 'base64url' : 'base64'));

const corpus = buildCorpus();
const samples = JSON.parse(readFileSync(path.join(root, 'test/fixtures/secrets/gitleaks-samples.json'), 'utf8')).samples;

/** A detector: text -> [{start, end, kind}] */
const detectors = {
  ours: async (t) => scanSecrets(t, { gitleaks: false }),
  'gitleaks rules': async (t) => scanSecrets(t, { builtin: false }),
  'ours + gitleaks (shipped)': async (t) => scanSecrets(t),
};
try {
  const { lintSource } = await import('@secretlint/core');
  const preset = await import('@secretlint/secretlint-rule-preset-recommend');
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator }] };
  detectors['secretlint preset-recommend 11.7.1'] = async (t) => {
    const result = await lintSource({ source: { filePath: '/virtual/input.txt', content: t, contentType: 'text' }, options: { config, noPhysicFilePath: true } });
    return result.messages.map((m) => ({ start: m.range[0], end: m.range[1], kind: m.ruleId }));
  };
} catch {
  console.log('(secretlint not installed: skipped; see the header of this script)');
}

const covered = (spans, text, part) => {
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + 1)) {
    if (!spans.some((s) => s.start <= at + 2 && s.end >= at + part.length - 2)) return false;
  }
  return true;
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const [name, detect] of Object.entries(detectors)) {
  let caught = 0;
  const missed = [];
  for (const e of corpus) {
    const spans = await detect(e.text);
    if (e.parts.every((p) => covered(spans, e.text, p))) caught++;
    else missed.push(`${e.kind}/${e.context}`);
  }
  let gl = 0;
  for (const s of samples) if ((await detect(s.text)).length > 0) gl++;
  const falseHits = [];
  for (const f of realFiles)
    for (const s of await detect(f.text)) {
      const line = f.text.slice(0, s.start).split('\n').length;
      falseHits.push(`${f.file}:${line} ${s.kind} ${JSON.stringify(f.text.slice(s.start, Math.min(s.end, s.start + 12)))}…`);
    }
  let randomHits = 0;
  for (const text of payloads) randomHits += (await detect(`x ${text} y`)).length;
  const bytes = realFiles.reduce((n, f) => n + f.text.length, 0);
  const times = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    for (const f of realFiles) for (const line of f.text.split('\n')) await detect(line);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  rows.push({ name, caught, missed, gl, falseHits, randomHits, mbps: bytes / 1024 / 1024 / median(times), seconds: median(times) });
}
const ref = rows[0].seconds;
console.log(
  `corpus: ${corpus.length} secrets of ${new Set(corpus.map((e) => e.kind)).size} kinds; gitleaks samples: ${samples.length}; real files: ${ownSrc.length} from src/ + ${nmPick.length} from node_modules (${(realFiles.reduce((n, f) => n + f.text.length, 0) / 1024 / 1024).toFixed(1)} MB), line by line, median of ${RUNS} runs`,
);
console.log(
  `| detector | corpus caught | gitleaks samples caught | false hits in real files | false hits in ${payloads.length} random payloads | throughput (line by line) | time vs ours |`,
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.caught}/${corpus.length} | ${r.gl}/${samples.length} (${((r.gl / samples.length) * 100).toFixed(1)} %) | ${r.falseHits.length} | ${r.randomHits} | ${r.mbps.toFixed(1)} MB/s | ${(r.seconds / ref).toFixed(2)}x |`,
  );
}
for (const r of rows) {
  console.log(`\n${r.name}: missed ${r.missed.length}: ${r.missed.slice(0, LIST ? 999 : 12).join(', ')}`);
  if (LIST || r.falseHits.length <= 12) for (const h of r.falseHits.slice(0, LIST ? 999 : 12)) console.log(`  false hit: ${h}`);
}
