/**
 * The outcome of an operation that can fail in an expected way: a value, or a `Failure` that says what went
 * wrong in data (never a pre-formatted message where the data will do). Expected failures are values;
 * exceptions are for bugs.
 */
import type { Failure } from './failure.js';

export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<F> = { readonly ok: false; readonly error: F };
export type Result<T, F = Failure> = Ok<T> | Err<F>;

export function ok(): Ok<void>;
export function ok<T>(value: T): Ok<T>;
export function ok<T>(value?: T): Ok<T | undefined> {
  return { ok: true, value };
}

export function err<F>(error: F): Err<F> {
  return { ok: false, error };
}
