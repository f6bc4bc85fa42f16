/**
 * `key=value` from the command line, typed by the plan schema: `estimate=3` is the number 3 (hours),
 * `estimate=90m` the duration string, `retries=2` an integer, `files=a,b` a list, `gate=approve` checked
 * against the enum. The schema is the one source of truth, so a new task field is settable without a change here.
 */
import { planSchema } from '../types/plan-schema.js';

type JsonSchema = { [key: string]: unknown };

const defs = (planSchema as unknown as { $defs: Record<string, JsonSchema> }).$defs;

function resolve(schema: JsonSchema | undefined): JsonSchema | undefined {
  let s = schema;
  for (let guard = 0; s && typeof s.$ref === 'string' && guard < 10; guard++) {
    s = defs[s.$ref.replace('#/$defs/', '')];
  }
  return s;
}

/** The schema of a task field, following dotted paths (`agent.profile`, `resources.db`). */
export function taskFieldSchema(pathParts: readonly string[]): JsonSchema | undefined {
  let s: JsonSchema | undefined = resolve(defs.task);
  for (const part of pathParts) {
    if (!s) return undefined;
    // A field with several shapes (estimate: hours or {optimistic, likely, pessimistic}): the object one.
    const branches = [...((s.oneOf as JsonSchema[] | undefined) ?? []), ...((s.anyOf as JsonSchema[] | undefined) ?? [])].map(resolve);
    const objectBranch = branches.find((b) => b && (b.properties || typeof b.additionalProperties === 'object'));
    if (!s.properties && !s.additionalProperties && objectBranch) s = objectBranch;
    const props = s.properties as Record<string, JsonSchema> | undefined;
    if (props && props[part]) s = resolve(props[part]);
    else if (s.additionalProperties && typeof s.additionalProperties === 'object') s = resolve(s.additionalProperties as JsonSchema);
    else return undefined;
  }
  return s;
}

export function taskFieldNames(): string[] {
  return Object.keys(resolve(defs.task)!.properties as Record<string, unknown>);
}

/** The kinds of value a schema node accepts, flattened over oneOf/anyOf. */
function kinds(schema: JsonSchema | undefined): Set<string> {
  const out = new Set<string>();
  const visit = (s: JsonSchema | undefined) => {
    s = resolve(s);
    if (!s) return;
    if (Array.isArray(s.enum)) out.add('enum');
    if (typeof s.type === 'string') out.add(s.type);
    if (Array.isArray(s.type)) for (const t of s.type) out.add(String(t));
    for (const key of ['oneOf', 'anyOf'] as const) if (Array.isArray(s[key])) for (const sub of s[key] as JsonSchema[]) visit(sub);
  };
  visit(schema);
  return out;
}

export type TypedValue = { ok: true; value: unknown } | { ok: false; message: string };

/** Lists of sentences, which contain commas: `key=text` is one item, `key+=text` appends one. */
const freeTextLists = new Set(['steps', 'acceptance']);

const numeric = /^-?[0-9]+(\.[0-9]+)?$/;

/** Converts the text after `=` to what the schema says the field holds. */
export function typedValue(pathParts: readonly string[], text: string): TypedValue {
  const key = pathParts.join('.');
  const schema = taskFieldSchema(pathParts);
  if (!schema) return { ok: false, message: `unknown task field '${key}' (fields: ${taskFieldNames().join(', ')})` };
  const k = kinds(schema);
  if (k.has('enum') && Array.isArray(schema.enum)) {
    if (!(schema.enum as unknown[]).includes(text)) return { ok: false, message: `${key} must be one of ${(schema.enum as unknown[]).join(', ')}, not '${text}'` };
    return { ok: true, value: text };
  }
  if (k.has('array') && !k.has('string')) return { ok: true, value: freeTextLists.has(key) ? [text] : splitList(text) };
  if (k.has('integer') && !k.has('string')) {
    if (!/^-?[0-9]+$/.test(text)) return { ok: false, message: `${key} takes a whole number, not '${text}'` };
    return { ok: true, value: Number(text) };
  }
  if (k.has('number') && numeric.test(text)) return { ok: true, value: Number(text) };
  if (k.has('number') && !k.has('string')) return { ok: false, message: `${key} takes a number, not '${text}'` };
  if (k.has('boolean')) {
    if (text !== 'true' && text !== 'false') return { ok: false, message: `${key} takes true or false, not '${text}'` };
    return { ok: true, value: text === 'true' };
  }
  if (k.has('string')) return { ok: true, value: text };
  if (k.has('object')) return { ok: false, message: `${key} is an object; set its fields one by one (e.g. ${key}.<field>=value)` };
  return { ok: true, value: text };
}

/** Whether a field holds a list (for `key+=item` and `key-=item`). */
export function isListField(pathParts: readonly string[]): boolean {
  return kinds(taskFieldSchema(pathParts)).has('array');
}

export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
