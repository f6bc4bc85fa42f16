/** JSON Schema validation of a parsed plan, with each error placed on the node that causes it. */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { planSchema } from '../types/plan-schema.js';
import { validate as generatedValidator } from '../types/plan-validator.js';
import type { Diagnostic, PathSegment } from './diagnostic.js';
import { diagnosticAt, offsetOf, type SourceFile } from './source.js';
import { didYouMean } from './suggest.js';

/**
 * The plan schema compiled ahead of time (`npm run gen:types` writes it from schema/plan.schema.json):
 * compiling it with ajv when a command starts cost more than validating a 10,000-task plan.
 */
const validator = generatedValidator as unknown as ValidateFunction;

type JsonSchema = Record<string, unknown>;

/** The schema node an error's schemaPath points at (following local $refs is not needed: ajv reports the resolved path). */
function schemaAt(schemaPath: string): JsonSchema | undefined {
  let node: unknown = planSchema;
  for (const raw of schemaPath.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node as JsonSchema | undefined;
}

function toPath(instancePath: string): PathSegment[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function describePath(path: PathSegment[], value: unknown): string {
  if (path.length === 0) return 'the plan';
  // Name tasks by id where we can: "task 'build'" reads better than "tasks[3]".
  const parts: string[] = [];
  let cursor: unknown = value;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const next = cursor !== null && typeof cursor === 'object' ? (cursor as Record<string | number, unknown>)[seg] : undefined;
    if (typeof seg === 'number') {
      const id = next !== null && typeof next === 'object' ? (next as Record<string, unknown>).id : undefined;
      parts.push(typeof id === 'string' ? `['${id}']` : `[${seg}]`);
    } else {
      parts.push(parts.length === 0 ? seg : `.${seg}`);
    }
    cursor = next;
  }
  return parts.join('');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string '${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects and lists are named above: only a scalar is left
  return `${typeof value} ${String(value)}`;
}

function expectedTypes(schema: JsonSchema | undefined): string {
  if (!schema) return 'another type';
  const t = schema.type;
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false' };
  if (Array.isArray(t)) return t.map((x) => names[String(x)] ?? String(x)).join(' or ');
  return names[String(t)] ?? String(t);
}

function valueAt(root: unknown, path: PathSegment[]): unknown {
  let cursor = root;
  for (const seg of path) {
    if (cursor === null || typeof cursor !== 'object') return undefined;
    cursor = (cursor as Record<string | number, unknown>)[seg];
  }
  return cursor;
}

/** Drops the noise of oneOf: keep the errors of the one branch whose type matches, or a single summary. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  let kept = errors.filter((e) => e.keyword !== 'oneOf');
  for (const oneOf of oneOfs) {
    const prefix = `${oneOf.schemaPath}/`;
    // Array items share a schemaPath: only errors under this oneOf's own instance belong to it.
    const under = (e: ErrorObject) => e.schemaPath.startsWith(prefix) && (e.instancePath === oneOf.instancePath || e.instancePath.startsWith(`${oneOf.instancePath}/`));
    const inside = kept.filter(under);
    const branches = (oneOf.schema as JsonSchema[]) ?? [];
    const typeMismatch = new Set(
      inside
        .filter((e) => e.instancePath === oneOf.instancePath && (e.keyword === 'type' || e.keyword === '$ref'))
        .map((e) => Number(e.schemaPath.slice(prefix.length).split('/')[0])),
    );
    const matching = branches.map((_, i) => i).filter((i) => !typeMismatch.has(i));
    kept = kept.filter((e) => !under(e));
    // Several branches of the right type (e.g. the {run} and {file} acceptance checks): the one that
    // fails least is what the author meant; on a tie only a summary of the alternatives is honest.
    const errorsOf = (i: number) => inside.filter((e) => e.schemaPath.startsWith(`${prefix}${i}/`));
    const counts = matching.map((i) => errorsOf(i).length);
    const fewest = Math.min(...counts);
    const best = matching.filter((_, k) => counts[k] === fewest);
    if (matching.length === 1 || (best.length === 1 && fewest > 0)) {
      kept.push(...errorsOf(best[0]!));
    } else {
      kept.push(oneOf);
    }
  }
  return kept;
}

function oneOfExpectation(branches: JsonSchema[]): string {
  return branches
    .map((b) => (typeof b.$ref === 'string' ? (schemaAt(b.$ref) ?? b) : b))
    .map((b) => {
      // Closed mappings told apart by a required key read best as "a mapping with 'run'".
      const required = b.type === 'object' && Array.isArray(b.required) && b.required.length > 0 ? (b.required as string[]) : null;
      return required ? `a mapping with ${required.map((k) => `'${k}'`).join(' and ')}` : expectedTypes(b);
    })
    .filter((v, i, all) => all.indexOf(v) === i)
    .join(' or ');
}

export function checkSchema(source: SourceFile, value: unknown): Diagnostic[] {
  const validate = validator;
  if (validate(value)) return [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of simplify(validate.errors ?? [])) {
    // A bad key fails `propertyNames` and, inside it, that schema's `pattern`/`maxLength` at the parent
    // mapping ("streams a mapping is not a valid id"): the propertyNames error alone says it right.
    if (error.propertyName !== undefined && error.keyword !== 'propertyNames') continue;
    const path = toPath(error.instancePath);
    const explained = explain(error, { path, data: valueAt(value, path), where: describePath(path, value) });
    const at = explained.at ?? path;
    if (path.length === 0 && error.keyword === 'type') {
      explained.message = 'the plan must be a mapping with at least version, name and tasks; run `execplan init` for a starter plan';
    }
    const offset = offsetOf(source, at, explained.atKey ?? false);
    const key = `${offset}|${explained.code}|${explained.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnosticAt(source, offset, 'error', explained.code, explained.message, at));
  }
  return diagnostics;
}

/** Where an error is and what is there: its path, the value at it, and the path in words. */
interface ErrorSite {
  path: PathSegment[];
  data: unknown;
  where: string;
}

/** An error's code and message; `at` (and `atKey`) when it points elsewhere than its path, e.g. at a bad key. */
interface Explained {
  code: string;
  message: string;
  at?: PathSegment[];
  atKey?: boolean;
}

/** One ajv error in the words of a plan author. */
function explain(error: ErrorObject, site: ErrorSite): Explained {
  const { path, data, where } = site;
  switch (error.keyword) {
    case 'additionalProperties':
      return unknownKey(error, site);
    case 'required':
      return { code: 'missing-field', message: `${where} needs '${String((error.params as { missingProperty: string }).missingProperty)}'` };
    case 'type':
      return wrongType(error, site);
    case 'const':
    case 'enum':
      return invalidValue(error, site);
    case 'pattern':
      // Sizes (memory hints, settings.machine.memory) share the keyword with names: say which rule it broke.
      if (path.at(-1) === 'memory') {
        return { code: 'invalid-value', message: `${where} ${typeof data === 'string' ? `'${data}'` : typeName(data)} is not a size: write it like 4GiB, 512MiB or 2GB` };
      }
      return {
        code: 'invalid-name',
        message: `${where} ${typeof data === 'string' ? `'${data}'` : typeName(data)} is not a valid ${path.at(-1) === 'name' ? 'plan name (lowercase letters, digits and dashes)' : 'id (letters, digits, ".", "_" and "-", starting with a letter or digit)'}`,
      };
    case 'propertyNames': {
      const name = String((error.params as { propertyName: string }).propertyName);
      const message = /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)
        ? `'${name.slice(0, 40)}...' in ${where} is too long for a name (at most 128 characters)`
        : `'${name}' in ${where} is not a valid name (letters, digits, ".", "_" and "-", starting with a letter or digit)`;
      return { code: 'invalid-name', message, at: [...path, name], atKey: true };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { code: 'out-of-range', message: `${where} ${error.message ?? 'is out of range'}, got ${String(data)}` };
    case 'minLength':
    case 'minItems':
      return { code: 'empty-value', message: `${where} must not be empty` };
    case 'maxLength':
      return { code: 'out-of-range', message: `${where} is too long (${error.message ?? ''})` };
    case 'oneOf':
      return { code: 'wrong-type', message: `${where} must be ${oneOfExpectation(error.schema as JsonSchema[])}, not ${shapeOf(data)}` };
    default:
      return { code: 'schema', message: `${where} ${error.message ?? 'does not match the schema'}` };
  }
}

function unknownKey(error: ErrorObject, { path, where }: ErrorSite): Explained {
  const key = String((error.params as { additionalProperty: string }).additionalProperty);
  const known = Object.keys((error.parentSchema?.properties as object) ?? {});
  const message =
    key === '<<'
      ? `YAML merge keys (<<: *anchor) are not supported in ${where} (plan.yaml is YAML 1.2): write the keys out, or put shared task values under defaults`
      : `unknown key '${key}' in ${where}${aliasHint(key, known) ?? didYouMean(key, known)}${known.length ? ` (allowed: ${known.join(', ')})` : ''}`;
  return { code: 'unknown-key', message, at: [...path, key], atKey: true };
}

function wrongType(error: ErrorObject, { path, data, where }: ErrorSite): Explained {
  let message = `${where} must be ${expectedTypes(error.parentSchema)}, not ${typeName(data)}`;
  // YAML reads `id: 1` as a number; a phase (or task) id is a name and must be quoted.
  if (typeof data === 'number' && (path.at(-1) === 'id' || path.at(-1) === 'phase' || path.at(-1) === 'after')) message += `: quote it ('${data}')`;
  if (typeof data === 'string' && path.at(-2) === 'deps') message += ` (for a plain dependency use needs: [${data}]; deps entries are { task: ${data}, ... })`;
  return { code: 'wrong-type', message };
}

function invalidValue(error: ErrorObject, { data, where }: ErrorSite): Explained {
  const allowed = error.keyword === 'const' ? [(error.params as { allowedValue: unknown }).allowedValue] : (error.params as { allowedValues: unknown[] }).allowedValues;
  // version: "1" is 1 in quotes: say so rather than "did you mean '1'?".
  const quoted = typeof data === 'string' && allowed.some((v) => typeof v !== 'string' && String(v) === data.trim());
  return {
    code: 'invalid-value',
    message: `${where} must be ${allowed.map((v) => JSON.stringify(v)).join(', ')}, not ${typeName(data)}${quoted ? ': remove the quotes' : typeof data === 'string' ? didYouMean(data, allowed.map(String)) : ''}`,
  };
}

/** A value as a oneOf message names it: a mapping by its keys, anything else by its type. */
function shapeOf(data: unknown): string {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return typeName(data);
  return `a mapping with ${
    Object.keys(data)
      .map((k) => `'${k}'`)
      .join(', ') || 'no keys'
  }`;
}

/**
 * A copy of the plan without the keys the schema rejected, if that copy is valid, so the semantic checks
 * can still report their findings in the same run. Array items are never removed (positions would shift):
 * a bad item removes the whole key that holds the list.
 */
export function pruneInvalid(value: unknown, diagnostics: readonly Diagnostic[]): unknown {
  if (diagnostics.some((d) => d.code === 'missing-field' || d.path.length < 2)) return null;
  const copy = structuredClone(value);
  for (const d of diagnostics) {
    const path = [...d.path];
    while (path.length > 0 && typeof path[path.length - 1] === 'number') path.pop();
    if (path.length < 2) return null;
    const parent = valueAt(copy, path.slice(0, -1));
    if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return null;
    delete (parent as Record<string, unknown>)[path[path.length - 1] as string];
  }
  return validator(copy) ? copy : null;
}

/** Keys other planning tools use for the same thing: named, since edit distance cannot find them. */
const aliases: Record<string, string> = { depends_on: 'needs', dependencies: 'needs', dependsOn: 'needs', requires: 'needs', blocked_by: 'needs' };

function aliasHint(key: string, known: readonly string[]): string | null {
  const target = aliases[key];
  return target && known.includes(target) ? `; did you mean 'needs'? (needs: [id, ...] lists the tasks it waits for; deps: for typed dependencies)` : null;
}
