import { expect } from 'vitest';

/** The message of the error `f` throws, which must be an instance of `type` (fails otherwise). */
export function thrownMessage(type: abstract new (...args: never[]) => Error, f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return (e as Error).message;
  }
  throw new Error(`expected a ${type.name}`);
}
