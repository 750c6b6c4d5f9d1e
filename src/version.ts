// kindling's own version, recorded in every provenance record as part of the trusted base.
export const KINDLING_VERSION = '0.1.0';
