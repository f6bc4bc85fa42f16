// `execplan init` (starter files, never overwriting) and `execplan prompt` (instructions for an LLM).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { renderAuthoringPrompt } from '../src/authoring/prompt.js';
import { planSchema } from '../src/types/plan-schema.js';
import { cli as cliInProcess, root, tempDir } from './helpers/cli.js';

const cli = (args: string[], cwd = root) => cliInProcess(args, { cwd });

t.test('init writes a starter plan that validates cleanly, and a config', async (t) => {
  const dir = tempDir('execplan-init-');
  const run = await cli(['init'], dir);
  t.equal(run.code, 0);
  t.match(run.stdout, /wrote plan\.yaml\nwrote execplan\.config\.yaml\n/);
  const plan = readFileSync(path.join(dir, 'plan.yaml'), 'utf8');
  t.match(plan.split('\n')[0], '# yaml-language-server: $schema=./node_modules/execplan/schema/plan.schema.json');
  const validate = await cli(['validate', '--format', 'json'], dir);
  t.equal(validate.code, 0, 'the starter plan is valid');
  t.same(JSON.parse(validate.stdout), [], 'no warnings either');
  // compile once advised merging the manual review into the `hello` shell command.
  const compile = await cli(['compile'], dir);
  t.equal(compile.code, 0);
  t.notMatch(compile.stderr, /warning/, 'compile has no advice for the starter plan either');
  t.match(readFileSync(path.join(dir, 'execplan.config.yaml'), 'utf8'), /min_confidence: 0\.7/);
});

t.test('init never overwrites without --force', async (t) => {
  const dir = tempDir('execplan-init-');
  writeFileSync(path.join(dir, 'plan.yaml'), 'my own plan\n');
  const refused = await cli(['init'], dir);
  t.equal(refused.code, 1);
  t.equal(refused.stderr, 'execplan init: plan.yaml already exists; nothing written (use --force to overwrite)\n');
  t.equal(readFileSync(path.join(dir, 'plan.yaml'), 'utf8'), 'my own plan\n', 'plan untouched');
  t.throws(() => readFileSync(path.join(dir, 'execplan.config.yaml')), 'config not written either');

  const forced = await cli(['init', '--force'], dir);
  t.equal(forced.code, 0);
  t.match(readFileSync(path.join(dir, 'plan.yaml'), 'utf8'), /^# yaml-language-server/);
});

t.test('init DIR creates the directory; bad arguments exit 1', async (t) => {
  const dir = tempDir('execplan-init-');
  const run = await cli(['init', 'sub/project'], dir);
  t.equal(run.code, 0);
  t.match(run.stdout, 'then run `execplan validate sub/project/plan.yaml`');
  t.equal((await cli(['validate', 'sub/project/plan.yaml'], dir)).code, 0);
  t.equal((await cli(['init', '--bogus'], dir)).code, 1);
  t.equal((await cli(['init', 'a', 'b'], dir)).code, 1);
});

t.test('init DIR inside a project points the modeline at the node_modules of the project', async (t) => {
  const dir = tempDir('execplan-init-');
  writeFileSync(path.join(dir, 'package.json'), '{}');
  t.equal((await cli(['init', 'plans/auth'], dir)).code, 0);
  const first = readFileSync(path.join(dir, 'plans/auth/plan.yaml'), 'utf8').split('\n')[0];
  t.equal(first, '# yaml-language-server: $schema=../../node_modules/execplan/schema/plan.schema.json');
});

t.test('the authoring prompt carries the rules, the example, the schema and the spec verbatim', async (t) => {
  const spec = '# Billing\n\nCharge cards monthly. Literal {{ braces }} and {% tags %} stay as written.\n';
  const text = renderAuthoringPrompt({ specText: spec, specPath: 'docs/billing.md' });
  t.ok(text.includes(JSON.stringify(planSchema, null, 2)), 'the whole JSON Schema');
  t.ok(text.includes(spec.trim()), 'the spec, untouched by the template engine');
  t.match(text, 'set `spec: docs/billing.md`');
  for (const rule of ['starts with an imperative verb', '2-8 hours', 'acceptance', 'confidence', 'capacity', 'phases', 'over-decompose']) {
    t.match(text, rule, `rule: ${rule}`);
  }
  t.ok(text.includes(readFileSync(path.join(root, 'templates/plan-example.yaml'), 'utf8').trim()), 'the example');
  t.equal(renderAuthoringPrompt({ specText: spec, specPath: 'docs/billing.md' }), text, 'deterministic');
  t.notMatch(renderAuthoringPrompt({}), '<specification>', 'no spec section without a spec');
  t.match(renderAuthoringPrompt({ minConfidence: 0.5 }), 'confidence below 0.5');
});

t.test('the example in the prompt is a valid plan without warnings', async (t) => {
  // Beside the spec document it names, as it would stand in a project.
  const dir = tempDir('execplan-init-');
  mkdirSync(path.join(dir, 'docs'));
  writeFileSync(path.join(dir, 'docs', 'auth-spec.md'), '# Auth spec\n');
  copyFileSync(path.join(root, 'templates/plan-example.yaml'), path.join(dir, 'plan.yaml'));
  const run = await cli(['validate', '--format', 'json'], dir);
  t.equal(run.code, 0);
  t.same(JSON.parse(run.stdout), []);
});

t.test('execplan prompt prints the prompt for a spec file', async (t) => {
  // Without the repository inventory (test/inventory.test.ts covers it) the prompt is exactly the rendered one.
  const run = await cli(['prompt', 'examples/auth/spec.md', '--no-inventory']);
  t.equal(run.code, 0);
  t.equal(run.stdout, renderAuthoringPrompt({ specText: readFileSync(path.join(root, 'examples/auth/spec.md'), 'utf8'), specPath: 'examples/auth/spec.md' }));
  const none = await cli(['prompt']);
  t.equal(none.code, 0);
  t.match(none.stdout, 'No specification was given');
  const missing = await cli(['prompt', 'nope.md']);
  t.equal(missing.code, 1);
  t.equal(missing.stderr, 'execplan prompt: nope.md: no such file\n');
  t.equal((await cli(['prompt', 'examples'])).code, 1);

  // A binary spec (spec.pdf) once went into the prompt as mojibake.
  const dir = tempDir('execplan-init-');
  writeFileSync(path.join(dir, 'spec.pdf'), Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x0a]));
  writeFileSync(path.join(dir, 'latin1.md'), Buffer.from('caf\xe9\n', 'latin1'));
  for (const file of ['spec.pdf', 'latin1.md']) {
    const binary = await cli(['prompt', file], dir);
    t.equal(binary.code, 1, file);
    t.equal(binary.stdout, '');
    t.match(binary.stderr, `execplan prompt: ${file} is not UTF-8 text`);
  }
});
