/**
 * The `default:` of an exhaustive switch over a union: the argument has type `never` once every case is
 * handled, so a new member that is not handled is a type error here, and a value that slips past the types
 * (bad JSON, a cast) is a loud bug rather than a silent fall-through.
 */
export function unreachable(value: never, what = 'value'): never {
  throw new Error(`unknown ${what} ${JSON.stringify(value)}`);
}
