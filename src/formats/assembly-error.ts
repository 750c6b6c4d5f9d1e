// An error in assembler input, located at a file and line so that a person writing hex or M0
// by hand can find it. Every assembler in this directory throws only this for bad input.
import { KindlingError } from '../errors.js';

export class AssemblyError extends KindlingError {
  readonly file: string;
  readonly line: number;
  readonly detail: string;

  constructor(file: string, line: number, detail: string) {
    super('input', `${file}:${line}: ${detail}`);
    this.name = 'AssemblyError';
    this.file = file;
    this.line = line;
    this.detail = detail;
  }
}
