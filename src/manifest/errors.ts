// A manifest error always names the file and the field, so a reader can go straight to it.
import { KindlingError } from '../errors.js';

export class ManifestError extends KindlingError {
  readonly file: string;
  readonly field: string;

  constructor(file: string, field: string, problem: string) {
    super('manifest', field === '' ? `${file}: ${problem}` : `${file}: ${field}: ${problem}`);
    this.name = 'ManifestError';
    this.file = file;
    this.field = field;
  }
}
