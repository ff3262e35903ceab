// The ConfigError a promise rejects with (its file, line, column and key path are what the tests check).
import { ConfigError } from '../../src/errors.js';

export async function configError(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}
