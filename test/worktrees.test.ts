// `execplan run --worktrees` end to end with real git and real processes: four streams with cross-stream
// dependencies, a run killed with kill -9 and resumed, upstream work merged into each worktree, an
// out-of-scope edit reported, a conflicting upstream merge that blocks a task, `execplan integrate`
// (exit 11 naming the file), the conflict history read by the next compile, and the bad-input exits.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { cli, cliBackground, modelOf, project } from './helpers/cli.js';
import { waitForPid } from './helpers/run-control.js';

const ID = ['-c', 'user.name=t', '-c', 'user.email=t@t'];

function plan(mark: string): string {
  return `version: 1
name: shop
streams:
  data: { owns: ["src/data/**"] }
  api: { owns: ["src/api/**"] }
  ui: { owns: ["src/ui/**"] }
  docs: { owns: ["docs/**"] }
tasks:
  - { id: model, title: Model, stream: data, run: "mkdir -p src/data && echo model > src/data/model.txt" }
  - id: api
    title: API on the model
    stream: api
    needs: [model]
    run: 'test -f src/data/model.txt && mkdir -p src/api && echo api > src/api/api.txt && if [ ! -e ${mark} ]; then echo $$ > ${mark}; exec sleep 60; fi'
  - id: ui
    title: UI on the API, touching README.md too
    stream: ui
    needs: [api]
    run: "test -f src/data/model.txt && test -f src/api/api.txt && mkdir -p src/ui && echo ui > src/ui/ui.txt && echo ui >> README.md"
  - { id: readme, title: Rewrite README, stream: docs, files: [README.md], run: "echo docs > README.md" }
  - { id: wrap, title: Docs for the UI, stream: docs, needs: [ui, readme], run: "mkdir -p docs && echo wrap > docs/ui.md" }
`;
}

t.test('four streams: kill -9 and resume, upstream merges, scope check, blocked merge, integrate, contested files', async (t) => {
  const dir = project({ 'README.md': 'base\n', '.gitignore': '.execplan/\n.out/\n' }, 'execplan-worktrees-');
  const mark = path.join(dir, '.execplan', 'api-started');
  writeFileSync(path.join(dir, 'plan.yaml'), plan(mark));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git(...ID, 'commit', '-q', '-m', 'base');

  // First run: killed with kill -9 while `api` runs (its worktree then holds uncommitted work).
  const first = cliBackground(['run', '--worktrees', '-j', '1'], { cwd: dir });
  const apiPid = await waitForPid(mark, 60_000);
  first.child.kill('SIGKILL');
  await first.exited;
  process.kill(apiPid, 'SIGKILL');
  const apiWorktree = path.join(dir, '.execplan/worktrees/api');
  t.ok(existsSync(path.join(apiWorktree, 'src/data/model.txt')), "api's worktree holds its upstream stream's work before it starts");

  // The resumed run reuses the branches and the kept worktree, and goes on with what it can do.
  const r = await cli(['run', '--worktrees', '--keep-going'], { cwd: dir });
  t.equal(r.code, 7, r.stdout + r.stderr);
  t.match(r.stdout, 'note   ui: out-of-scope: README.md');
  t.match(r.stdout, 'note   wrap: blocked: merge conflict in README.md while bringing in ui');
  t.match(r.stdout, /wrap: merge conflict in README\.md while bringing in ui: merge execplan\/shop\/ui into execplan\/shop\/docs yourself/);
  t.match(r.stdout, '  1. execplan/shop/data  (stream data, 1 commit, not merged into main)');
  t.match(r.stdout, '  3. execplan/shop/ui  (stream ui, 3 commits, not merged into main)');
  t.same(
    git('branch', '--list', 'execplan/*', '--format=%(refname:short)').trim().split('\n'),
    ['execplan/shop/api', 'execplan/shop/data', 'execplan/shop/docs', 'execplan/shop/ui'],
    'one branch per stream, over both runs',
  );
  t.equal(git('show', 'execplan/shop/api:src/data/model.txt'), 'model\n', 'the api branch has its upstream work');
  t.equal(git('show', 'execplan/shop/api:src/api/api.txt'), 'api\n', 'the interrupted task re-ran in the kept worktree and was committed');
  t.equal(git('show', 'execplan/shop/ui:src/data/model.txt'), 'model\n', 'transitive upstream work is there too');
  t.equal(git('show', 'execplan/shop/docs:README.md'), 'docs\n');
  t.equal(git('status', '--porcelain', '--untracked-files=no'), '', 'the checkout is untouched');
  t.notOk(existsSync(path.join(dir, '.execplan/worktrees/docs/.git/MERGE_HEAD')), 'the conflicting merge was aborted');
  const journal = readFileSync(path.join(dir, '.execplan/shop/journal.jsonl'), 'utf8');
  t.match(journal, '"type":"task-scope","task":"ui","outOfScope":["README.md"]');

  const status = await cli(['status'], { cwd: dir });
  t.match(status.stdout, '  wrap: blocked: merge conflict in README.md while bringing in ui: merge execplan/shop/ui into execplan/shop/docs yourself');
  t.match(status.stdout, '  ui: out-of-scope: README.md');
  t.match(status.stdout, '  4. execplan/shop/docs  (stream docs, 3 commits, not merged into main)');

  // integrate: a dry run changes nothing; the real one merges the clean streams in merge order (docs
  // comes last: its wrap task needs ui) and stops at the conflict.
  const dry = await cli(['integrate', '--dry-run'], { cwd: dir });
  t.equal(dry.code, 11, dry.stdout + dry.stderr);
  t.match(dry.stderr, 'merging stream docs (execplan/shop/docs) into execplan/shop/integration conflicts in README.md (dry run: nothing changed)');
  t.equal(git('branch', '--list', 'execplan/shop/integration'), '', 'the dry run created no branch');
  const integrated = await cli(['integrate'], { cwd: dir });
  t.equal(integrated.code, 11, integrated.stdout + integrated.stderr);
  t.match(integrated.stdout, '  execplan/shop/data  (stream data): merged\n');
  t.match(integrated.stdout, '  execplan/shop/ui  (stream ui): merged\n  execplan/shop/docs  (stream docs): CONFLICT in README.md\n');
  t.match(integrated.stderr, 'merging stream docs (execplan/shop/docs) into execplan/shop/integration conflicts in README.md; that merge was undone');
  t.equal(git('show', 'execplan/shop/integration:src/ui/ui.txt'), 'ui\n', 'the streams before the conflict are merged');
  t.equal(git('show', 'execplan/shop/integration:README.md'), 'base\nui\n');
  t.equal(git('status', '--porcelain', '--untracked-files=no'), '', 'the repository is left clean');
  t.notMatch(git('worktree', 'list'), /integration/, 'no scratch worktree is left');

  // The conflict history lives with the repository and is appended to, never rewritten.
  const history = readFileSync(path.join(dir, '.execplan-history/conflicts.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { kind: string; files: string[] });
  t.same(
    history.map((h) => [h.kind, h.files]),
    [
      ['out-of-scope', ['README.md']],
      ['upstream-merge', ['README.md']],
      ['integrate', ['README.md']],
    ],
  );

  // The next compile of a plan in this repository reads it: README.md is contested.
  const compiled = await cli(['compile', '--out', '.out'], { cwd: dir });
  t.equal(compiled.code, 0, compiled.stderr);
  t.match(
    compiled.stderr,
    /warning contested-file: README\.md conflicted 3 times in earlier runs; readme touch it and are kept apart in both schedules|contested-file.*README\.md conflicted 3 times/,
  );
  t.match(readFileSync(path.join(dir, '.out/Plan.md'), 'utf8'), /Contested files.*README\.md \(3 conflicts: readme\)/);
  // A third integrate conflict of the same plan: both commands say to re-plan, naming the streams.
  await cli(['integrate'], { cwd: dir });
  const again = await cli(['compile', '--out', '.out'], { cwd: dir });
  t.match(again.stderr, 'execplan: plan shop has had 3 merge conflicts (streams docs, ui): re-plan with better isolation');
});

t.test('contested files keep the tasks that touch them apart in both schedules', async (t) => {
  const { compilePlan } = await import('../src/compiler/compile.js');
  const text = `version: 1
name: c
streams:
  docs: { owns: [README.md] }
tasks:
  - { id: p, title: Write the intro, stream: docs, estimate: 2h }
  - { id: q, title: Add the badge, files: [README.md, src/badge.ts], estimate: 2h }
`;
  const model = modelOf(text);
  const before = compilePlan(model);
  t.equal(before.waves.waves.length, 1, 'without history the two run side by side');
  const after = compilePlan(model, { contested: [{ file: 'README.md', count: 2 }] });
  t.same(after.contested, [{ file: 'README.md', count: 2, tasks: ['p', 'q'], streams: ['docs'] }]);
  t.equal(after.waves.waves.length, 2, 'the wave schedule keeps them apart');
  const [a, b] = after.frontier.schedule;
  t.ok(b!.start >= a!.finish, 'so does the rolling frontier');
});

t.test('bad input for --worktrees: each a clear message and exit 6 before any task runs', async (t) => {
  const dir = project(
    {
      'plan.yaml': 'version: 1\nname: bad\nstreams: { s: { owns: ["out/**"] } }\ntasks:\n  - { id: a, title: A, stream: s, run: "mkdir -p out && echo a >> out/a.txt" }\n',
      '.gitignore': '.execplan/\n',
    },
    'execplan-worktrees-bad-',
  );
  const outside = await cli(['run', '--worktrees'], { cwd: dir });
  t.equal(outside.code, 6);
  t.match(outside.stderr, /--worktrees needs a git repository/);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git(...ID, 'commit', '-q', '-m', 'base');
  writeFileSync(path.join(dir, 'plan.yaml'), readFileSync(path.join(dir, 'plan.yaml'), 'utf8') + '# edited\n');
  const dirty = await cli(['run', '--worktrees'], { cwd: dir });
  t.equal(dirty.code, 6);
  t.match(dirty.stderr, 'the checkout has uncommitted changes (plan.yaml): commit or stash them first');
  git('checkout', '-q', 'plan.yaml');
  git('checkout', '-q', '--detach');
  const detached = await cli(['run', '--worktrees'], { cwd: dir });
  t.equal(detached.code, 6);
  t.match(detached.stderr, 'HEAD is detached');
  git('checkout', '-q', 'main');
  const ok = await cli(['run', '--worktrees'], { cwd: dir });
  t.equal(ok.code, 0, ok.stdout + ok.stderr);
  // Someone moves the stream branch back: the next run refuses instead of building on a rewritten history.
  git('branch', '-f', 'execplan/bad/s', 'main');
  const moved = await cli(['run', '--worktrees', '--force'], { cwd: dir });
  t.equal(moved.code, 6);
  t.match(moved.stderr, /branch execplan\/bad\/s \(stream s\) was moved: it no longer contains [0-9a-f]{12}/);
  t.notOk(existsSync(path.join(dir, 'out/a.txt')), 'no task ran in the checkout');
  // --fresh starts over: the old branch keeps its work and the new state gets its own suffix.
  git('branch', '-f', 'execplan/bad/s', moved.stderr.match(/contains ([0-9a-f]{12})/)![1]!);
  const fresh = await cli(['run', '--worktrees', '--fresh'], { cwd: dir });
  t.equal(fresh.code, 0, fresh.stdout + fresh.stderr);
  t.match(fresh.stdout, 'execplan/bad/s-2  (stream s, 1 commit');
  git('branch', '-m', 'main', 'trunk');
  const noBase = await cli(['run', '--worktrees', '--force'], { cwd: dir });
  t.equal(noBase.code, 6);
  t.match(noBase.stderr, "the base branch main of this run's worktree branches is missing");
});
