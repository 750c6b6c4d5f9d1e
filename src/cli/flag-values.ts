// The parsers for flag values: whole numbers in a range and one of a fixed set of words. A bad value
// becomes commander's usage error, which names the flag (exit status 2).
import { InvalidArgumentError, Option } from 'commander';

/** A parser for a whole number from min to max (decimal digits only: no '1e3', no '0x10'). */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^[0-9]+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`give a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

/** A flag whose value must be one of `choices`; commander lists them when another is given. */
export function choiceOption<const T extends string>(flags: string, description: string, choices: readonly T[], fallback: T): Option {
  return new Option(flags, description).choices(choices).default(fallback);
}

/** A parser for a duration in seconds, fractions allowed, from 0 to max. */
export function seconds(max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || number > max) throw new InvalidArgumentError(`give a number of seconds from 0 to ${max}.`);
    return number;
  };
}

/** A sha256 given on the command line: 64 hex digits (upper case is accepted and lowered). */
export function sha256Value(value: string): string {
  const lower = value.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(lower)) throw new InvalidArgumentError('give a sha256: 64 hex digits.');
  return lower;
}
