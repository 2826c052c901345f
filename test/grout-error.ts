import { GroutError } from '../src/core/errors.js';

/** The GroutError a promise rejects with; anything else (or no rejection) fails the test. */
export async function groutFailure(promise: Promise<unknown>): Promise<GroutError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GroutError) return err;
    throw err;
  }
  throw new Error('expected a GroutError');
}
