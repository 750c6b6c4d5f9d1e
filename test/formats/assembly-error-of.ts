// The AssemblyError a call throws, for tests that check an assembler's message, file and line.
import { AssemblyError } from '../../src/formats/assembly-error.js';

export function errorOf(run: () => unknown): AssemblyError {
  try {
    run();
  } catch (error) {
    if (error instanceof AssemblyError) return error;
    throw error;
  }
  throw new Error('expected an AssemblyError');
}
