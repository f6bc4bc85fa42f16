// Lists the functions in src/ longer than a limit (default 60 lines), longest first: the candidates to split.
// Usage: node scripts/long-functions.mjs [lines=60]
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
const limit = Number(process.argv[2] ?? 60);
const files = execSync("git ls-files 'src/*.ts' | grep -v '^src/types/'", { encoding: 'utf8' }).trim().split('\n');
const out = [];
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
      if (len > limit) out.push([len, `${f}:${a + 1}`, name]);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}
out.sort((x, y) => y[0] - x[0]);
for (const [len, loc, name] of out) console.log(String(len).padStart(4), loc, name);
