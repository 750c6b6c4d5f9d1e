// Every environment variable kindling reads is read here, and only here, so a reader sees at a
// glance what outside state changes its behaviour. The rest of kindling gets plain values.
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ARCHES, archProfile, type Arch } from './arch.js';

export const ENVIRONMENT_VARIABLES = {
  chain: 'KINDLING_CHAIN',
  store: 'KINDLING_STORE',
  sandbox: 'KINDLING_SANDBOX',
  distfiles: 'KINDLING_DISTFILES',
  mirrorsFile: 'KINDLING_MIRRORS_FILE',
  debug: 'KINDLING_DEBUG',
  vmRestore: 'KINDLING_VM_RESTORE',
} as const;

export interface ProxySettings {
  /** Empty strings mean "no proxy". */
  readonly httpProxy: string;
  readonly httpsProxy: string;
  readonly noProxy: string;
}

export interface KindlingEnvironment {
  /** Defaults for --chain, --store and --sandbox (unchecked: the flag's own check applies). */
  readonly chain: string | undefined;
  readonly store: string | undefined;
  readonly sandbox: string | undefined;
  /** The guest kernel of the qemu backend, by architecture (KINDLING_KERNEL, KINDLING_KERNEL_AARCH64: see arch.ts). */
  readonly kernels: Readonly<Record<Arch, string | undefined>>;
  /** The sha256 each architecture's kernel must have (KINDLING_KERNEL_SHA256, KINDLING_KERNEL_AARCH64_SHA256): the pin in configuration. */
  readonly kernelHashes: Readonly<Record<Arch, string | undefined>>;
  /** Directories of upstream sources, in order. */
  readonly distfiles: readonly string[];
  /** `$KINDLING_MIRRORS_FILE`, else `$XDG_CONFIG_HOME/kindling/mirrors`, else `~/.config/kindling/mirrors`. */
  readonly mirrorsFile: string;
  readonly proxy: ProxySettings;
  /** Print stack traces of unexpected errors. */
  readonly debug: boolean;
  /** Whether the qemu backend restores a saved machine per stage (false only for KINDLING_VM_RESTORE=0): see src/sandbox/README.md. */
  readonly vmRestore: boolean;
  /** Where host tools (bwrap, qemu, mke2fs) are looked for. */
  readonly path: readonly string[];
}

/** The variable that pins an architecture's kernel by sha256: its kernel variable with `_SHA256`. */
export function kernelHashVariable(arch: Arch): string {
  return `${archProfile(arch).kernelEnv}_SHA256`;
}

export type RawEnvironment = Readonly<Record<string, string | undefined>>;

/** An empty variable counts as unset, as a shell user expects of `VAR= command`. */
function given(env: RawEnvironment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function readEnvironment(env: RawEnvironment = process.env): KindlingEnvironment {
  const configHome = given(env, 'XDG_CONFIG_HOME') ?? join(given(env, 'HOME') ?? homedir(), '.config');
  return {
    chain: given(env, ENVIRONMENT_VARIABLES.chain),
    store: given(env, ENVIRONMENT_VARIABLES.store),
    sandbox: given(env, ENVIRONMENT_VARIABLES.sandbox),
    kernels: Object.fromEntries(ARCHES.map((arch) => [arch, given(env, archProfile(arch).kernelEnv)])) as Record<Arch, string | undefined>,
    kernelHashes: Object.fromEntries(ARCHES.map((arch) => [arch, given(env, kernelHashVariable(arch))])) as Record<
      Arch,
      string | undefined
    >,
    distfiles: (env[ENVIRONMENT_VARIABLES.distfiles] ?? '').split(delimiter).filter((dir) => dir !== ''),
    mirrorsFile: given(env, ENVIRONMENT_VARIABLES.mirrorsFile) ?? join(configHome, 'kindling', 'mirrors'),
    proxy: {
      httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
      httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
    },
    debug: ['1', 'true', 'yes'].includes(env[ENVIRONMENT_VARIABLES.debug] ?? ''),
    vmRestore: env[ENVIRONMENT_VARIABLES.vmRestore] !== '0',
    path: (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).filter((dir) => dir !== ''),
  };
}
