// Throughput of redactSecrets on agent/runner log text, line by line (as the runner calls it) and as one
// block, beside a reference per-line operation measured in the same run (ANSI colour stripping).
// Usage: npx tsc -p tsconfig.build.json && node bench/secrets-redact.mjs [MB=100] [runs=3] [BASELINE_DIST]
// With BASELINE_DIST (another build's dist/secrets/index.js, e.g. of an older commit), its per-line
// redaction is timed in the same run as a second reference.
import { redactSecrets, createLineRedactor } from '../dist/secrets/index.js';

const MB = Number(process.argv[2] ?? 100);
const RUNS = Number(process.argv[3] ?? 3);
const baseline = process.argv[4] ? await import(new URL(process.argv[4], `file://${process.cwd()}/`).href) : null;

// A seeded mix of lines seen in agent transcripts and build logs; ~1 in 500 lines holds a secret.
let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(rand() * 16)]).join('');
const b64 = (n) => Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[Math.floor(rand() * 64)]).join('');
const templates = [
  () => `src/compiler/normalize.ts(${Math.floor(rand() * 400)},${Math.floor(rand() * 80)}): error TS2322: Type 'string' is not assignable to type 'number'.`,
  () => `ok ${Math.floor(rand() * 100)} - schedules respect resource capacity # time=${(rand() * 30).toFixed(3)}ms`,
  () =>
    `{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Edit","input":{"file_path":"src/api/auth.ts","old_string":"const token = req.headers.authorization","new_string":"const token = parseBearer(req)"}}]},"session_id":"${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}"}`,
  () => `commit ${hex(40)}`,
  () => `  at Object.<anonymous> (/work/repo/node_modules/some-lib/index.js:${Math.floor(rand() * 900)}:17)`,
  () => `[2026-11-21T18:0${Math.floor(rand() * 9)}:00Z] INFO request_id=${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)} GET /api/users 200 ${Math.floor(rand() * 90)}ms`,
  () => `\u001b[32m✔\u001b[39m build finished, max_tokens=4096, key: value, password policy: min 12 chars`,
  () => `data:image/png;base64,${b64(400)}`,
  () => `The access token is validated by the middleware before the request reaches the handler.`,
];
const secrets = [
  () => `export GITHUB_TOKEN=ghp_${b64(36).replace(/[+/]/g, 'x')}`,
  () => `DATABASE_URL=postgres://app:${hex(12)}@db:5432/app`,
  () => `Authorization: Bearer ${hex(32)}`,
];
const lines = [];
let size = 0;
while (size < MB * 1024 * 1024) {
  const line = rand() < 0.002 ? secrets[Math.floor(rand() * secrets.length)]() : templates[Math.floor(rand() * templates.length)]();
  lines.push(line);
  size += line.length + 1;
}
const text = lines.join('\n');
// eslint-disable-next-line no-control-regex -- matching the ANSI colour escapes is the point
const ANSI = /\u001b\[[0-9;]*m/g;

function time(fn) {
  const t0 = process.hrtime.bigint();
  const out = fn();
  return [Number(process.hrtime.bigint() - t0) / 1e9, out];
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { reference: [], perLine: [], lineRedactor: [], block: [], ...(baseline ? { baselinePerLine: [] } : {}) };
let redactedLines = 0;
for (let r = 0; r < RUNS; r++) {
  results.reference.push(
    time(() => {
      let n = 0;
      for (const l of lines) n += l.replace(ANSI, '').length;
      return n;
    })[0],
  );
  const [tl, changed] = time(() => {
    let c = 0;
    for (const l of lines) if (redactSecrets(l) !== l) c++;
    return c;
  });
  results.perLine.push(tl);
  redactedLines = changed;
  results.lineRedactor.push(
    time(() => {
      const red = createLineRedactor();
      let n = 0;
      for (const l of lines) n += red(l).length;
      return n;
    })[0],
  );
  results.block.push(time(() => redactSecrets(text).length)[0]);
  if (baseline)
    results.baselinePerLine.push(
      time(() => {
        let c = 0;
        for (const l of lines) if (baseline.redactSecrets(l) !== l) c++;
        return c;
      })[0],
    );
}
const mbps = (s) => (size / 1024 / 1024 / s).toFixed(0);
console.log(`text: ${(size / 1024 / 1024).toFixed(0)} MB, ${lines.length} lines, ${redactedLines} lines redacted; medians of ${RUNS} runs`);
for (const [name, xs] of Object.entries(results)) {
  const m = median(xs);
  console.log(`${name.padEnd(13)} ${m.toFixed(2)} s  ${mbps(m)} MB/s  ratio to reference ${(m / median(results.reference)).toFixed(1)}x`);
}
