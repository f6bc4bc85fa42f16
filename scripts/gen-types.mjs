// Generates src/types/*.ts from schema/*.schema.json. With --check, fails when they are stale.
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';

const targets = [
  ['schema/plan.schema.json', 'src/types/plan.ts', 'src/types/plan-schema.ts', 'planSchema'],
  ['schema/config.schema.json', 'src/types/config.ts', 'src/types/config-schema.ts', 'configSchema'],
  ['schema/assessment.schema.json', 'src/types/assessment.ts', 'src/types/assessment-schema.ts', 'assessmentSchema'],
];
const check = process.argv.includes('--check');
const banner = '/* Generated from the JSON Schema by `npm run gen:types`. Do not edit by hand. */';
let stale = [];
async function emit(outPath, content) {
  const current = await readFile(outPath, 'utf8').catch(() => '');
  if (current === content) return;
  if (check) stale.push(outPath);
  else await writeFile(outPath, content);
}

for (const [schemaPath, outPath, schemaModulePath, exportName] of targets) {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
  // The schema as a module, so the pure compiler gets it without touching the file system.
  await emit(schemaModulePath, `${banner}\nexport const ${exportName} = ${JSON.stringify(schema, null, 2)} as const;\n`);
  const ts = await compile(schema, schema.title, {
    bannerComment: banner,
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    unreachableDefinitions: true,
    style: { singleQuote: true },
  });
  await emit(outPath, ts);
}
// The plan and config validators as generated code: compiling a schema with ajv at run time costs more
// than validating a 10,000-task plan, and every CLI command paid it (loading ajv itself, too). The options
// are the ones src/compiler/schema-check.ts and src/cli/config.ts rely on (all errors, verbose errors).
for (const [schemaPath, outPath, unionTypes] of [
  ['schema/plan.schema.json', 'src/types/plan-validator.ts', true],
  ['schema/config.schema.json', 'src/types/config-validator.ts', false],
]) {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: unionTypes, verbose: true, code: { source: true, esm: true } });
  let code = standaloneCode(ajv, ajv.compile(schema));
  // ajv's ESM output still loads its one runtime helper with require(); make it an import.
  const helper = 'require("ajv/dist/runtime/ucs2length").default';
  code = code.replaceAll(helper, 'ucs2length.default');
  if (code.includes('require(')) throw new Error(`unexpected ajv standalone output for ${schemaPath}: update scripts/gen-types.mjs`);
  await emit(outPath, `${banner}\n// @ts-nocheck\nimport ucs2length from 'ajv/dist/runtime/ucs2length.js';\n${code}\n`);
}
if (stale.length) {
  console.error(`Generated types are stale: ${stale.join(', ')}. Run \`npm run gen:types\` and commit the result.`);
  process.exit(1);
}
