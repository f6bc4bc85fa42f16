/** Splits a byte stream into whole lines, so output of parallel tasks is never interleaved mid-line. */
import { StringDecoder } from 'node:string_decoder';
import { safeCut } from '../secrets/index.js';

/** A line longer than this is emitted in pieces (a task printing 1 GB without a newline must not be buffered). */
const defaultMaxLine = 64 * 1024;

export class LineSplitter {
  private decoder = new StringDecoder('utf8');
  private partial = '';

  /** maxLine: Infinity keeps every line whole (an agent's JSON event must not be split). */
  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxLine = defaultMaxLine,
  ) {}

  push(chunk: Buffer): void {
    let text = this.partial + this.decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.emit(text.slice(start, end));
      start = nl + 1;
    }
    text = text.slice(start);
    while (text.length > this.maxLine) {
      // Not inside a secret: each piece is redacted on its own, so a token split in two would leak.
      const cut = safeCut(text, this.maxLine);
      this.emit(text.slice(0, cut));
      text = text.slice(cut);
    }
    this.partial = text;
  }

  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0) this.emit(rest);
  }
}
