/**
 * An artifact's UTF-8 bytes as a list of pieces, made while it is rendered: a large artifact (tasks.json
 * of a 10,000-task plan is ~25 MB) then never exists as one string. Text held in the JavaScript heap
 * until the last record is printed lives through every young-generation collection, is copied into the
 * old generation and raises the peak memory of compile; encoded a few dozen KB at a time, each piece of
 * text dies young and its bytes live outside the heap until they are written.
 */
import * as crypto from 'node:crypto';

export type Pieces = readonly Uint8Array[];

/** Text is gathered up to about this many characters before it is encoded into one piece. */
const pieceChars = 65536;

/** Gathers text and encodes it into pieces of ~64 KB as it comes. */
export class PieceWriter {
  private readonly pieces: Uint8Array[] = [];
  private pending = '';

  /** Appends `text`; encodes what is gathered once it is large enough. */
  add(text: string): void {
    this.pending += text;
    if (this.pending.length >= pieceChars) this.flush();
  }

  /** Puts `text`, encoded, before every piece so far (a header known only once the rest is made). */
  prepend(text: string): void {
    this.pieces.unshift(Buffer.from(text, 'utf8'));
  }

  /** Every piece, the gathered text included; the writer is not used after this. */
  finish(): Uint8Array[] {
    this.flush();
    return this.pieces;
  }

  private flush(): void {
    if (this.pending === '') return;
    this.pieces.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }
}

/** The pieces of a text that is already one string. */
export function piecesOf(content: string | Pieces): Pieces {
  return typeof content === 'string' ? [Buffer.from(content, 'utf8')] : content;
}

/** sha256 (hex) of the pieces' bytes, in order. */
export function piecesHash(pieces: Pieces): string {
  const hash = crypto.createHash('sha256');
  for (const piece of pieces) hash.update(piece);
  return hash.digest('hex');
}

/** The text of the pieces (for callers that want strings: renderArtifacts, tests). */
export function piecesText(pieces: Pieces): string {
  return Buffer.concat(pieces).toString('utf8');
}

/** Whether `bytes` holds exactly the pieces' bytes. */
export function piecesEqual(pieces: Pieces, bytes: Uint8Array): boolean {
  let at = 0;
  for (const piece of pieces) {
    if (at + piece.byteLength > bytes.byteLength) return false;
    if (!Buffer.from(bytes.buffer, bytes.byteOffset + at, piece.byteLength).equals(piece)) return false;
    at += piece.byteLength;
  }
  return at === bytes.byteLength;
}
