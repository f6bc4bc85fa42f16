/** execplan verify [plan.yaml]: check the journal's hash chain and that state.json's head matches it. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { err, ok } from '../../core/result.js';
import { verifyJournal } from '../../runner/journal.js';
import { readSnapshot } from '../../runner/state.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { readPlanFile } from '../plan-input.js';
import { planState } from '../state-input.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Check that the run history (.execplan/<plan>/journal.jsonl) is intact (tamper-evident hash chain)',
  usage: 'execplan verify [plan.yaml] [--plan plan.yaml]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { plan: { type: 'string' } }, 1);
    const read = await readPlanFile(io.cwd, positionals[0] ?? values.plan);
    if (!read.ok) return read;
    const paths = planState(io, read.value);
    const shown = path.relative(io.cwd, paths.journal);
    let text: string;
    try {
      text = readFileSync(paths.journal, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        io.stderr(`${shown}: no journal yet (nothing has run)\n`);
        return ok();
      }
      const problem = { line: 1, code: 'journal-unreadable', message: `cannot read the journal (${code ?? String(error)})` };
      io.stdout(`${shown}:1:1: error ${problem.code} ${problem.message}\n`);
      return err({ kind: 'journal-unreadable', journal: shown, code: code ?? String(error) });
    }
    const snapshot = readSnapshot(paths.state);
    const { problems, records, tornTail } = verifyJournal(text, snapshot?.journal ?? null);
    for (const p of problems) io.stdout(`${shown}:${p.line}:1: error ${p.code} ${p.message}\n`);
    if (tornTail)
      io.stdout(
        `${shown}:${tornTail.line}:1: warning journal-torn-tail the last write was cut short by a crash (${Buffer.byteLength(tornTail.text)} bytes after the last good record); the next \`execplan run\` cuts it off and keeps it beside the journal\n`,
      );
    if (problems.length) return err({ kind: 'history-modified', journal: shown, problems: problems.length, records });
    io.stderr(`${shown}: ${records} records, hash chain intact${snapshot ? `, state.json head (seq ${snapshot.journal.seq}) matches` : ''}\n`);
    return ok();
  },
};
