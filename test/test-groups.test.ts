// The suite's process groups (test/shared-*.test.ts) stay consistent with package.json: every test file
// runs exactly once under `npx tap`, either as its own process or imported by one group, and
// `npm run test:quick` names files that exist, none of them twice.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';

const root = path.join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  tap: { include: string[]; exclude: string[] };
};
const files = readdirSync(path.join(root, 'test'))
  .filter((f) => f.endsWith('.test.ts'))
  .sort();
/** Each member (x.test.ts) with the groups that import it. */
const groupOf = new Map<string, string[]>();
for (const file of files) {
  const members = [...readFileSync(path.join(root, 'test', file), 'utf8').matchAll(/^import '\.\/([\w-]+\.test)\.js';$/gm)].map((m) => `${m[1]}.ts`);
  for (const member of members) groupOf.set(member, [...(groupOf.get(member) ?? []), file]);
}

t.test('every test file runs exactly once: alone, or in one group that package.json keeps out of the default run', async (t) => {
  t.ok(groupOf.size > 0, 'the groups import their members as `import ./x.test.js`');
  for (const [member, groups] of groupOf) {
    t.ok(files.includes(member), `${member} (imported by ${groups.join(', ')}) exists`);
    t.equal(groups.length, 1, `${member} is in one group: ${groups.join(', ')}`);
    t.notOk(groupOf.has(groups[0]!), `${groups[0]} is not itself a member`);
  }
  const excluded = pkg.tap.exclude.filter((p) => p.endsWith('.test.ts'));
  t.same(excluded, [...groupOf.keys()].map((f) => `test/${f}`).sort(), 'package.json tap.exclude lists exactly the group members, sorted');
  t.same(pkg.tap.include, ['test/**/*.test.ts'], 'every other test file runs on its own');
  t.ok(pkg.tap.exclude.includes('**/@(fixture*(s)|dist)/**'), "tap's default exclude (fixtures, dist) is kept");
});

t.test('npm run test:quick names files that exist, none twice', async (t) => {
  const quick = pkg.scripts['test:quick']!.split(/\s+/)
    .filter((w) => w.startsWith('test/'))
    .map((f) => path.basename(f));
  t.ok(quick.length > 0);
  for (const file of quick) {
    t.ok(files.includes(file), `${file} exists`);
    const group = groupOf.get(file)?.[0];
    t.notOk(group && quick.includes(group), `${file} is not also run by its group ${group}`);
  }
  t.equal(new Set(quick).size, quick.length, 'no file named twice');
});
