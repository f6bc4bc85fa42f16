// One test process for units that start no processes: the YAML reader, the artifact schemas, the runner's parts, secrets.
// Each member is a test file of its own (`npx tap test/<member>` runs it alone); under `npx tap` they
// share this process, so tap's per-file start-up, the test loader and the modules they have in common
// load once instead of once per file (~0.8 s of CPU per member). package.json "tap" > "exclude" keeps
// the members out of the default run; test/test-groups.test.ts checks that the two lists agree.
import './artifact-schemas.test.js';
import './fast-yaml.test.js';
import './runner-units.test.js';
import './secrets.test.js';
import './security.test.js';
import './spawn-native.test.js';
import './test-groups.test.js';
