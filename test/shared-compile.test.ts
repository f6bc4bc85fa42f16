// One test process for the compile and validate front end (in process, dist/ and the compiler).
// Each member is a test file of its own (`npx tap test/<member>` runs it alone); under `npx tap` they
// share this process, so tap's per-file start-up, the test loader and the modules they have in common
// load once instead of once per file (~0.8 s of CPU per member). package.json "tap" > "exclude" keeps
// the members out of the default run; test/test-groups.test.ts checks that the two lists agree.
import './cli.test.js';
import './cli-edge.test.js';
import './compile-cli.test.js';
import './compile-for-run.test.js';
import './core.test.js';
import './limits.test.js';
import './validate.test.js';
