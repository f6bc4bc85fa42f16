// tap reporter: one line per test file, each failed assertion with its details, then a closing
// `N passed, N failed, N skipped` line that CI tooling recognises (tap's own is `# { total, pass }`).
// Counts are the files' top-level tests.
import { Transform } from 'node:stream';
import { Parser } from 'tap-parser';

export default class SummaryReporter extends Transform {
  constructor() {
    super();
    this.parser = new Parser();
    const totals = { passed: 0, failed: 0, skipped: 0 };
    const watchFailures = (parser, trail) => {
      parser.on('assert', (a) => {
        if (a.ok || a.todo || a.skip) return;
        this.push(`  not ok ${[...trail, a.name].join(' > ')}\n`);
        if (a.diag) this.push(`${JSON.stringify(a.diag, null, 2).replace(/^/gm, '    ')}\n`);
      });
      parser.on('child', (child) => watchFailures(child, [...trail, child.name]));
    };
    this.parser.on('child', (file) => {
      watchFailures(file, [file.name]);
      file.on('complete', (r) => {
        totals.passed += r.pass - r.skip - r.todo;
        totals.failed += r.fail;
        totals.skipped += r.skip + r.todo;
        this.push(`${r.ok ? 'ok  ' : 'FAIL'} ${file.name} (${r.pass}/${r.count}${r.skip ? `, ${r.skip} skipped` : ''})\n`);
      });
    });
    this.parser.on('complete', (r) => {
      // A file that crashed before reporting any test still fails the run.
      const failed = Math.max(totals.failed, r.ok ? 0 : 1);
      this.push(`\n${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped\n`);
    });
  }
  _transform(chunk, _enc, done) {
    this.parser.write(chunk);
    done();
  }
  _flush(done) {
    this.parser.end();
    done();
  }
}
