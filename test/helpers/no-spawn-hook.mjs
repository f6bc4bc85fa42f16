// Loaded into every test process (package.json "tap" > "node-arg", after tap's own preloads).
// tap preloads @tapjs/processinfo into each test process, and that puts itself into NODE_OPTIONS and hooks
// every spawn to add itself to the child's NODE_OPTIONS, so that coverage can follow the Node processes a
// test starts. Coverage is off in this suite, yet every execplan CLI, runner and agent CLI process a test
// starts (and every Node process they start in turn) would load it: about 0.2 s of CPU each, and the CLI
// under test would run with a loader no user has. Dropping the hook and the option gives the children the
// environment the test chose.
const hooks = globalThis[Symbol.for('process-on-spawn@*:singletonId')];
if (hooks && Array.isArray(hooks.listeners)) hooks.listeners.length = 0;
if (process.env.NODE_OPTIONS) {
  const kept = process.env.NODE_OPTIONS.split(/\s+/).filter((o) => o && !o.includes('@tapjs/processinfo'));
  if (kept.length) process.env.NODE_OPTIONS = kept.join(' ');
  else delete process.env.NODE_OPTIONS;
}
