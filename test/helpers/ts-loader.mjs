// The test files' TypeScript loader (package.json "tap" > "node-arg": `--import=./test/helpers/ts-loader.mjs`).
// Every test process pays for its loader: tsx cost ~0.5-1 s of CPU per process on top of the test (its
// resolver and CommonJS hooks run for every module tap and the test load), ~20-25 s over the suite. The
// tests need much less: strip the types of the repo's own .ts files (esbuild, cached on disk by content)
// and let `./x.js` name `./x.ts` as TypeScript's NodeNext resolution does. Everything else, node_modules
// and dist/ included, takes Node's own path untouched. Source maps are on, so a failed assertion points at
// test/x.test.ts:line:col.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./ts-loader-hooks.mjs', import.meta.url);
