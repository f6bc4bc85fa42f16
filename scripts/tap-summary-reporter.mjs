// tap reporter: one line per test file, the failures in full, then a closing
// `N passed, N failed, N skipped` line that CI tooling recognises (tap's own is `# { total, pass }`).
import { Transform } from 'node:stream';
import { Parser } from 'tap-parser';

export default class SummaryReporter extends Transform {
  constructor() {
    super();
    this.parser = new Parser();
    this.parser.on('child', (child) => {
      child.on('complete', (r) => {
        this.push(`${r.ok ? 'ok  ' : 'FAIL'} ${child.name} (${r.pass}/${r.count}${r.skip ? `, ${r.skip} skipped` : ''})\n`);
      });
    });
    this.parser.on('complete', (r) => {
      for (const f of r.failures) {
        this.push(`\nnot ok ${f.fullname || f.name}\n`);
        if (f.diag) this.push(`${JSON.stringify(f.diag, null, 2)}\n`);
      }
      this.push(`\n${r.pass - r.skip - r.todo} passed, ${r.fail} failed, ${r.skip + r.todo} skipped\n`);
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
