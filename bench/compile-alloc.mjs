// Where `execplan compile`'s garbage comes from: V8's sampling heap profiler, counting the objects the
// collector has already freed too, around bench/compile-stages.mjs (the same arguments), with each
// built-in's allocations (Array.prototype.push, Map.prototype.set, ...) charged to the function that called it.
// Usage: npm run build && node bench/compile-alloc.mjs [plan.yaml | tasks=10000] [root] [top=30]
import inspector from 'node:inspector';

const session = new inspector.Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, value) => (error ? reject(error) : resolve(value))));
await post('HeapProfiler.enable');
await post('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
await import('./compile-stages.mjs');
const { profile } = await post('HeapProfiler.stopSampling');

const bytes = new Map();
const walk = (node, owner) => {
  const frame = node.callFrame;
  const site = frame.url ? `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/dist\//, '')}:${frame.lineNumber + 1}` : owner;
  bytes.set(site, (bytes.get(site) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child, site);
};
walk(profile.head, '(root)');
const total = [...bytes.values()].reduce((a, b) => a + b, 0);
console.log(`allocated (sampled) ${(total / 1e6).toFixed(0)} MB; by site:`);
for (const [site, n] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[4] ?? 30))) console.log(`${(n / 1e6).toFixed(1).padStart(7)} MB  ${site}`);
