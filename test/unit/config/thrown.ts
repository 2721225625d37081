import { StationError } from '../../../src/shared/errors';

/** Run `fn` and return the StationError it throws; anything else fails the test. */
export function thrown(fn: () => unknown): StationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StationError) return err;
    throw new Error(`expected a StationError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a StationError, nothing was thrown');
}
