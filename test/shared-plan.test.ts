// One test process for the authoring, plan-editing and report commands (in process).
// Each member is a test file of its own (`npx tap test/<member>` runs it alone); under `npx tap` they
// share this process, so tap's per-file start-up, the test loader and the modules they have in common
// load once instead of once per file (~0.8 s of CPU per member). package.json "tap" > "exclude" keeps
// the members out of the default run; test/test-groups.test.ts checks that the two lists agree.
import './agents-plan.test.js';
import './assess.test.js';
import './beads-sync.test.js';
import './governance.test.js';
import './import.test.js';
import './init-prompt.test.js';
import './inventory.test.js';
import './plan-diff.test.js';
import './plan-edit.test.js';
import './plan-lifecycle.test.js';
import './report.test.js';
