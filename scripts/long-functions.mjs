// Lists the functions in src/ longer than a limit (default 60 lines), longest first: the candidates to split.
// Usage: node scripts/long-functions.mjs [lines=60]
//
// A few functions are long because they are a table: an exhaustive switch with one case per kind of a
// union (each Failure kind's message, each one's exit code). Chopping such a switch into pieces would
// hide the table, so they are listed apart, by name below, and only while they still read as a table:
// the body is one switch (after at most a few declarations) and every case falls through or is one
// return (or a block holding one). A case that grows real logic puts the function back on the list.
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';

/** Exhaustive switches kept whole on purpose: `<file> <function>` -> why. */
const exhaustiveSwitches = new Map([
  ['src/cli/failure-text.ts failureText', 'one case per Failure kind: the message a user reads'],
  ['src/cli/exit-code.ts exitCodeOf', 'one case per Failure kind: the exit code it ends with'],
]);

/** The function's body is one switch (after at most 3 declarations) whose every case is fall-through or one return. */
function readsAsTable(fn) {
  const statements = fn.body.statements ?? [];
  const switches = statements.filter(ts.isSwitchStatement);
  const others = statements.filter((s) => !ts.isSwitchStatement(s));
  if (switches.length !== 1 || others.length > 3 || !others.every(ts.isVariableStatement)) return false;
  return switches[0].caseBlock.clauses.every((clause) => {
    const body = clause.statements.length === 1 && ts.isBlock(clause.statements[0]) ? clause.statements[0].statements : clause.statements;
    return body.length === 0 || (body.length === 1 && (ts.isReturnStatement(body[0]) || ts.isThrowStatement(body[0])));
  });
}

const limit = Number(process.argv[2] ?? 60);
const files = execSync("git ls-files 'src/*.ts' | grep -v '^src/types/'", { encoding: 'utf8' }).trim().split('\n');
const out = [];
const tables = [];
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const sf = ts.createSourceFile(f, text, ts.ScriptTarget.ES2022, true);
  const visit = (n) => {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && n.body) {
      const a = sf.getLineAndCharacterOfPosition(n.getStart()).line,
        b = sf.getLineAndCharacterOfPosition(n.end).line;
      const len = b - a + 1;
      let name =
        n.name?.getText?.() ?? (ts.isVariableDeclaration(n.parent) ? n.parent.name.getText() : ts.isPropertyAssignment(n.parent) ? n.parent.name.getText() : '(anonymous)');
      if (len > limit) {
        const why = exhaustiveSwitches.get(`${f} ${name}`);
        if (why && readsAsTable(n)) tables.push([len, `${f}:${a + 1}`, name, why]);
        else out.push([len, `${f}:${a + 1}`, name]);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}
out.sort((x, y) => y[0] - x[0]);
for (const [len, loc, name] of out) console.log(String(len).padStart(4), loc, name);
if (tables.length > 0) {
  console.log(`exhaustive switches over ${limit} lines, kept whole (a table, one case per kind):`);
  for (const [len, loc, name, why] of tables.sort((x, y) => y[0] - x[0])) console.log(String(len).padStart(4), loc, name, `(${why})`);
}
