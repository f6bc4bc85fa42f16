// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self and inclusive time per function, and per file,
// so "where does the time go" is one command instead of a trip through DevTools.
// Usage: node scripts/cpuprofile-summary.mjs <file.cpuprofile> [top=30] [filter]
//   filter: only functions whose "name file" contains this text (e.g. src/compiler) are listed.
import { readFileSync } from 'node:fs';

const [file, topArg, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/cpuprofile-summary.mjs <file.cpuprofile> [top=30] [filter]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Time per sample: the gap to the next sample (the profile's own timeDeltas), in microseconds.
const selfUs = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = deltas[i + 1] ?? 0;
  selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const shortUrl = (url) =>
  url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, 'node_modules/')
    .replace(/^.*\/(dist|src|bin)\//, '$1/');
const keyOf = (n) => {
  const f = n.callFrame;
  return `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
};

// Inclusive time: a sample counts once for every distinct function on its stack (recursion counted once).
const self = new Map();
const incl = new Map();
const fileSelf = new Map();
for (const [id, us] of selfUs) {
  const n = nodes.get(id);
  const k = keyOf(n);
  self.set(k, (self.get(k) ?? 0) + us);
  const fk = shortUrl(n.callFrame.url) || `(${n.callFrame.functionName})`;
  fileSelf.set(fk, (fileSelf.get(fk) ?? 0) + us);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const ck = keyOf(nodes.get(cur));
    if (seen.has(ck)) continue;
    seen.add(ck);
    incl.set(ck, (incl.get(ck) ?? 0) + us);
  }
}

const ms = (us) => (us / 1000).toFixed(1).padStart(8);
const pick = (m) =>
  [...m]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
console.log(`total sampled: ${(total / 1000).toFixed(1)} ms`);
console.log('\n== self time ==');
for (const [k, us] of pick(self)) console.log(`${ms(us)} ms  ${k}`);
console.log('\n== inclusive time ==');
for (const [k, us] of pick(incl)) console.log(`${ms(us)} ms  ${k}`);
console.log('\n== self time per file ==');
for (const [k, us] of [...fileSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)} ms  ${k}`);
