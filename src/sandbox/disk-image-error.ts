import { KindlingError } from '../errors.js';

/** Any failure to make, check or read back a VM stage's disk image; the message says which step and why. */
export class DiskImageError extends KindlingError {
  constructor(message: string) {
    super('environment', message);
    this.name = 'DiskImageError';
  }
}
