// Security end to end: secrets in every form (a corpus of 100 and gitleaks' own rule samples), nothing
// outside the project read for an agent, config only from the project, state files never followed
// through links. What a user could leak is checked where it would end up: prompt, logs, console, state.
import t from 'tap';
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli, cliProcess, project, root, tempDir } from './helpers/cli.js';
import { createLineRedactor, redactSecrets, scanSecrets } from '../src/secrets/index.js';
import { LineSplitter } from '../src/runner/lines.js';
import { buildCorpus, LOOKALIKES } from './fixtures/secrets/corpus.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const fakeBin = path.join(here, 'fixtures/agents/bin');
const corpus = buildCorpus();
const survivors = (text: string) => corpus.filter((e) => e.parts.some((p) => text.includes(p)));

t.test('the corpus: >= 98 of 100 secrets of 70 kinds are redacted, look-alike code is not', async (t) => {
  t.equal(corpus.length, 100);
  t.ok(new Set(corpus.map((e) => e.kind)).size >= 54, 'at least 54 kinds');
  const left = corpus.filter((e) => e.parts.some((p) => redactSecrets(e.text).includes(p)));
  t.ok(left.length <= 2, `survived: ${left.map((e) => `${e.kind}/${e.context}`).join(', ')}`);
  for (const text of LOOKALIKES)
    t.same(
      scanSecrets(text).map((f) => f.kind),
      [],
      JSON.stringify(text),
    );
  t.equal(redactSecrets('pwd=/home/ada/src/app'), 'pwd=/home/ada/src/app');
  t.equal(redactSecrets('readonly STENCIL_PASS: 0x0B96;'), 'readonly STENCIL_PASS: 0x0B96;');
});

t.test("gitleaks' rule-test samples: >= 90 % are caught", async (t) => {
  const { samples } = JSON.parse(readFileSync(path.join(here, 'fixtures/secrets/gitleaks-samples.json'), 'utf8')) as { samples: { rule: string; text: string }[] };
  t.ok(samples.length >= 374, `${samples.length} samples`);
  const caught = samples.filter((s) => scanSecrets(s.text).length > 0).length;
  t.ok(caught / samples.length >= 0.9, `${caught}/${samples.length} caught`);
});

t.test('real source code: at most 5 false hits in this project’s own sources', async (t) => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !/secrets\/(?:patterns|gitleaks-rules)\.ts$/.test(p)) files.push(p);
    }
  };
  walk(path.join(root, 'src'));
  t.ok(files.length >= 100, `${files.length} files`);
  const hits = files.flatMap((f) => scanSecrets(readFileSync(f, 'utf8')).map((s) => `${path.relative(root, f)}:${s.line} ${s.kind}`));
  t.ok(hits.length <= 5, hits.join('\n'));
});

t.test('a token straddling the 64 KiB cut of a long line is still redacted', async (t) => {
  for (const secret of [`gh${'p_'}A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8`, 'Bearer a1b2c3d4e5f6a7b8c9d0e1f2a3b4']) {
    for (const shift of [-20, -8, -1, 0, 3]) {
      const out: string[] = [];
      const redact = createLineRedactor();
      const splitter = new LineSplitter((line) => out.push(redact(line)));
      const text = 'x '.repeat((65536 + shift) / 2 - (secret.length >> 1)) + `Authorization: ${secret} ` + 'tail '.repeat(40);
      splitter.push(Buffer.from(text.slice(0, 70000)));
      splitter.push(Buffer.from(text.slice(70000)));
      splitter.end();
      t.ok(out.length >= 2, 'the line was cut');
      t.notOk(out.join('').includes(secret.slice(-16)), `${secret.slice(0, 6)} at shift ${shift}`);
    }
  }
});

t.test('a private key with a blank line inside is redacted to its END line', async (t) => {
  const body = ['MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2vZGB+dQ3cFJ7jUWCSvwH1o0Dgc', 'ZGB+dQ3cFJ7jUWCSvwH1o0DgcjHUMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM'];
  const lines = ['-----BEGIN RSA PRIVATE KEY-----', body[0]!, '', body[1]!, '-----END RSA PRIVATE KEY-----', 'ok 1 - next'];
  const redact = createLineRedactor();
  const out = lines.map(redact);
  t.same(out, ['[REDACTED:private-key]', '[REDACTED:private-key]', '', '[REDACTED:private-key]', '[REDACTED:private-key]', 'ok 1 - next']);
  const whole = redactSecrets(lines.slice(0, 4).join('\n'));
  t.notOk(whole.includes(body[1]!.slice(0, 20)), 'unterminated, with a blank line: redacted to the end');
});

t.test('end to end: 100 secrets in the spec and in task output; <= 2 survive anywhere', async (t) => {
  const secrets = corpus.map((e) => e.text).join('\n\n');
  const dir = project({
    'plan.yaml': `version: 1
name: leaky
spec: spec.md
tasks:
  - { id: dump, title: Print the environment, run: "cat secrets.txt; cat secrets.txt >&2" }
  - id: impl
    title: Implement the thing
    needs: [dump]
    agent: { profile: claude }
`,
    'spec.md': `# Spec\n\nConfig the service with:\n\n${secrets}\n`,
    'secrets.txt': `${secrets}\n`,
  });
  execFileSync('git', ['init', '-q'], { cwd: dir });
  // A planted link where the redacted prompt copy goes: written as a real file, the target untouched.
  const victim = path.join(tempDir(), 'victim');
  writeFileSync(victim, 'precious\n');
  mkdirSync(path.join(dir, '.execplan/leaky/logs/impl'), { recursive: true });
  symlinkSync(victim, path.join(dir, '.execplan/leaky/logs/impl/1.prompt.md'));
  const records = path.join(dir, '..', `${path.basename(dir)}-records`);
  const r = await cli(['run'], { cwd: dir, env: { CI: '1', PATH: `${fakeBin}:${process.env.PATH}`, FAKE_AGENT_RECORD: records, EXECPLAN_KILL_GRACE_MS: '200' } });
  t.equal(r.code, 0, r.stderr);
  const prompt = (JSON.parse(readFileSync(path.join(records, '1.json'), 'utf8')) as { stdin: string }).stdin;
  t.match(prompt, /Config the service with/, 'the agent got the spec');
  const state: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (lstatSync(p).isDirectory()) walk(p);
      else state.push(readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(dir, '.execplan'));
  const c = await cli(['compile'], { cwd: dir });
  t.equal(c.code, 0, c.stderr);
  walk(path.join(dir, 'tasks_output'));
  for (const [where, text] of [
    ['prompt', prompt],
    ['console', r.stdout + r.stderr],
    ['state and logs', state.join('\n')],
  ] as const) {
    const left = survivors(text);
    t.ok(left.length <= 2, `${where}: survived ${left.map((e) => `${e.kind}/${e.context}`).join(', ')}`);
  }
  t.match(state.join('\n'), /\[REDACTED:/, 'the logs show where secrets were');
  t.equal(readFileSync(victim, 'utf8'), 'precious\n', 'the prompt copy did not go through the planted link');
  t.notOk(lstatSync(path.join(dir, '.execplan/leaky/logs/impl/1.prompt.md')).isSymbolicLink());
  t.teardown(() => execFileSync('rm', ['-rf', records]));
});

t.test('spec files: only regular UTF-8 files inside the project, under 4 MiB', async (t) => {
  const outer = tempDir();
  writeFileSync(path.join(outer, 'elsewhere.md'), '# not yours\n');
  const dir = path.join(outer, 'proj');
  mkdirSync(path.join(dir, 'docs'), { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: dir });
  const plan = (spec: string) => writeFileSync(path.join(dir, 'plan.yaml'), `version: 1\nname: p\nspec: ${spec}\ntasks:\n  - { id: a, title: Print a, run: "true" }\n`);
  const cases: [string, string][] = [
    ['../elsewhere.md', 'spec-outside-project'],
    ['/etc/hostname', 'spec-outside-project'],
    ['/dev/zero', 'spec-outside-project'],
    ['docs', 'spec-not-file'],
    ['docs/link.md', 'spec-outside-project'],
    ['docs/fifo', 'spec-not-file'],
    ['docs/big.md', 'spec-too-large'],
    ['docs/latin1.md', 'spec-not-text'],
  ];
  symlinkSync(path.join(outer, 'elsewhere.md'), path.join(dir, 'docs/link.md'));
  execFileSync('mkfifo', [path.join(dir, 'docs/fifo')]);
  writeFileSync(path.join(dir, 'docs/big.md'), '');
  truncateSync(path.join(dir, 'docs/big.md'), 5 * 1024 * 1024);
  writeFileSync(path.join(dir, 'docs/latin1.md'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
  for (const [spec, code] of cases) {
    plan(spec);
    const v = await cli(['validate'], { cwd: dir });
    t.equal(v.code, 5, `validate ${spec}`);
    t.match(v.stdout, new RegExp(`plan\\.yaml:3:7: error ${code} `), `${spec}: ${code} at the spec key`);
  }
  plan('../elsewhere.md');
  const run = await cli(['run'], { cwd: dir, env: { CI: '1' } });
  t.equal(run.code, 5, 'run refuses it');
  t.match(run.stderr, /spec-outside-project/);
  t.equal((await cli(['compile'], { cwd: dir })).code, 5, 'compile refuses it');
  const allowed = await cli(['validate', '--allow-outside', outer], { cwd: dir });
  t.equal(allowed.code, 0, allowed.stdout);
  t.match(allowed.stdout, /warning spec-outside-allowed .*--allow-outside allows/, 'the exception is logged');
  const prompt = await cli(['prompt', '/etc/hostname'], { cwd: dir });
  t.equal(prompt.code, 5);
  t.match(prompt.stderr, /spec-outside-project/);
  t.equal((await cli(['prompt', 'docs/big.md'], { cwd: dir })).code, 5, 'prompt: too large');
});

/** A git project `proj/` with a one-task plan, inside a temporary folder that stands for what is above it. */
function projectInTempDir(): { outer: string; dir: string } {
  const outer = tempDir();
  const dir = path.join(outer, 'proj');
  mkdirSync(dir);
  execFileSync('git', ['init', '-q'], { cwd: dir });
  writeFileSync(path.join(dir, 'plan.yaml'), 'version: 1\nname: p\ntasks:\n  - { id: a, title: Print a, run: "echo a" }\n');
  return { outer, dir };
}

t.test('config: never from above the project root; named in output and the run summary; notice once', async (t) => {
  const { outer, dir } = projectInTempDir();
  writeFileSync(path.join(outer, 'execplan.config.yaml'), 'profiles:\n  claude:\n    command: [sh, -c, "echo pwned"]\n');
  const first = await cli(['run'], { cwd: dir, env: { CI: '1' } });
  t.equal(first.code, 0, first.stderr);
  t.notMatch(first.stderr, /config:|notice/, 'the planted parent config is not loaded');
  writeFileSync(path.join(dir, 'execplan.config.yaml'), 'profiles:\n  local:\n    command: [my-agent, --fast]\n    env: { AGENT_HOME: /opt/agent }\n');
  const second = await cli(['run'], { cwd: dir, env: { CI: '1' } });
  t.match(second.stderr, /config: execplan\.config\.yaml/);
  t.match(second.stderr, /notice: execplan\.config\.yaml changes what runs as you .*local: command my-agent --fast; environment AGENT_HOME/);
  const third = await cli(['run'], { cwd: dir, env: { CI: '1' } });
  t.notMatch(third.stderr, /notice:/, 'seen once: not repeated');
  const runs = readdirSync(path.join(dir, '.execplan/p/runs'));
  const summary = JSON.parse(readFileSync(path.join(dir, '.execplan/p/runs', runs.sort().at(-1)!), 'utf8')) as { config: string };
  t.equal(summary.config, path.join(dir, 'execplan.config.yaml'));
  const compile = await cli(['compile', '--config', path.join(outer, 'execplan.config.yaml')], { cwd: dir });
  t.match(compile.stderr, /config: \.\.\/execplan\.config\.yaml/, '--config is explicit, and named');
});

t.test('config: only the file found is read, never settings from the working folder or files it names', async (t) => {
  const { outer, dir } = projectInTempDir();
  // A package.json that does not parse, in the folder the command is run from (a parent of the project).
  writeFileSync(path.join(outer, 'package.json'), '{ "name": "half-written",\n');
  writeFileSync(path.join(dir, 'execplan.config.yaml'), 'concurrency: 2\n');
  // A real process: the folder it runs in is what matters here.
  const valid = cliProcess(['validate', 'proj/plan.yaml'], { cwd: outer });
  t.equal(valid.code, 0, valid.stderr);
  t.equal(valid.stderr, 'proj/plan.yaml: valid (1 task, 0 scheduled dependencies, 2 warnings)\n');
  t.notMatch(valid.stdout, /package\.json|internal error/);
  // `$import` is not a way to pull in another file (here one outside the project): it is an unknown key.
  writeFileSync(path.join(outer, 'elsewhere.yaml'), 'profiles:\n  claude:\n    command: [sh, -c, "echo pwned"]\n');
  writeFileSync(path.join(dir, 'execplan.config.yaml'), `$import: ${path.join(outer, 'elsewhere.yaml')}\n`);
  const imported = await cli(['validate'], { cwd: dir });
  t.equal(imported.code, 5);
  t.equal(imported.stdout, `${path.join(dir, 'execplan.config.yaml')}:1:1: error config-invalid unknown key '$import' in the config\n`);
  // A config linked to a device is refused before it is read (reading /dev/zero would never end).
  rmSync(path.join(dir, 'execplan.config.yaml'));
  symlinkSync('/dev/zero', path.join(dir, 'execplan.config.yaml'));
  const device = await cli(['validate'], { cwd: dir });
  t.equal(device.code, 5);
  t.equal(device.stdout, `${path.join(dir, 'execplan.config.yaml')}:1:1: error config-invalid cannot read the config: not a regular file (a config is a YAML or JSON file)\n`);
});

t.test('state files are never followed through links', async (t) => {
  const dir = project({ 'plan.yaml': 'version: 1\nname: p\ntasks:\n  - { id: a, title: Print a, run: "echo output-line" }\n' });
  const victim = path.join(tempDir(), 'victim');
  writeFileSync(victim, 'precious\n');
  mkdirSync(path.join(dir, '.execplan/p/logs/a'), { recursive: true });
  symlinkSync(victim, path.join(dir, '.execplan/p/logs/a/1.log'));
  symlinkSync(victim, path.join(dir, '.execplan/p/journal.jsonl'));
  const r = await cli(['run'], { cwd: dir, env: { CI: '1' } });
  t.equal(r.code, 0, r.stderr);
  t.equal(readFileSync(victim, 'utf8'), 'precious\n', 'the link target is neither appended to nor truncated');
  t.match(r.stderr, /journal\.jsonl was a symbolic link; removed it/);
  t.match(r.stderr, /1\.log was a symbolic link; removed it/);
  t.match(readFileSync(path.join(dir, '.execplan/p/logs/a/1.log'), 'utf8'), /output-line/);
  t.equal(statSync(path.join(dir, '.execplan')).mode & 0o777, 0o700);
  t.equal(statSync(path.join(dir, '.execplan/p/state.json')).mode & 0o777, 0o600);
  t.equal(statSync(path.join(dir, '.execplan/p/journal.jsonl')).mode & 0o777, 0o600);

  const linked = project({ 'plan.yaml': 'version: 1\nname: p\ntasks:\n  - { id: a, title: Print a, run: "true" }\n' });
  const elsewhere = tempDir();
  symlinkSync(elsewhere, path.join(linked, '.execplan'));
  const l = await cli(['run'], { cwd: linked, env: { CI: '1' } });
  t.equal(l.code, 6);
  t.match(l.stderr, /\.execplan is a symbolic link/);
  t.same(readdirSync(elsewhere), [], 'nothing written through the link');

  if (process.getuid?.() === 0) {
    const foreign = project({ 'plan.yaml': 'version: 1\nname: p\ntasks:\n  - { id: a, title: Print a, run: "true" }\n' });
    mkdirSync(path.join(foreign, '.execplan'));
    chownSync(path.join(foreign, '.execplan'), 65534, 65534);
    const f = await cli(['run'], { cwd: foreign, env: { CI: '1' } });
    t.equal(f.code, 6);
    t.match(f.stderr, /belongs to another user/);
  }
  t.ok(existsSync(victim));
});
