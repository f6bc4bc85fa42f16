#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm run build`, run automatically by `npm ci`).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // Only a bug reaches here: every expected failure is a diagnostic with an exit code.
    process.stderr.write(`execplan: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.stderr.write('This is a bug in execplan; please report it with the plan that caused it.\n');
    process.exitCode = 70;
  },
);
