// Generates src/types/*.ts from schema/*.schema.json. With --check, fails when they are stale.
import { readFile, writeFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

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
if (stale.length) {
  console.error(`Generated types are stale: ${stale.join(', ')}. Run \`npm run gen:types\` and commit the result.`);
  process.exit(1);
}
