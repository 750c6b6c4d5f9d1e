// How bubblewrap runs a chain written for another architecture: the host kernel hands every
// foreign ELF program to qemu-user through a binfmt_misc entry. The entry must carry the F flag:
// the kernel then opens the emulator once, when the entry is registered, and uses that open file
// for every program. So the stage root holds nothing but its declared inputs (no emulator, no
// library), and a program a stage builds and runs (kaem's children) is emulated the same way as
// its init. Invoking qemu-aarch64 as the sandbox's init instead would put the emulator inside the
// stage root and would not follow execve: kaem's first child would fail to start.
// The emulator is part of the trusted base, identified by its version and sha256.
import { readFile, realpath } from 'node:fs/promises';
import { archProfile, hostArch, type Arch } from '../arch.js';
import type { TrustedComponent } from './sandbox.js';
import { describeTool } from './tool-identity.js';

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

export interface BinfmtEntry {
  readonly enabled: boolean;
  readonly interpreter: string;
  readonly flags: string;
  readonly magic: string;
  readonly mask: string;
}

/** Parses a /proc/sys/fs/binfmt_misc/<entry> file; undefined when it says nothing usable. */
export function parseBinfmtEntry(text: string): BinfmtEntry | undefined {
  const lines = text.split('\n').map((line) => line.trim());
  const field = (name: string): string | undefined =>
    lines
      .find((line) => line.startsWith(`${name} `))
      ?.slice(name.length + 1)
      .trim();
  const interpreter = field('interpreter');
  if (interpreter === undefined) return undefined;
  return {
    enabled: lines.includes('enabled'),
    interpreter,
    flags: (lines.find((line) => line.startsWith('flags:'))?.slice('flags:'.length) ?? '').trim(),
    magic: field('magic') ?? '',
    mask: field('mask') ?? '',
  };
}

/** The emulator bubblewrap's stages run through, or a one-line reason they cannot run here. */
export type ForeignRunner =
  | { readonly ok: true; readonly native: true }
  | { readonly ok: true; readonly native: false; readonly entry: BinfmtEntry; readonly component: TrustedComponent }
  | { readonly ok: false; readonly message: string };

export async function findForeignRunner(arch: Arch, binfmtDir = BINFMT_DIR): Promise<ForeignRunner> {
  if (hostArch() === arch) return { ok: true, native: true };
  const profile = archProfile(arch);
  const how = `install ${profile.qemuUserPackage} and register its '${profile.binfmtEntry}' entry (make binfmt)`;
  const cannot = `bubblewrap cannot run ${profile.title} programs on this ${process.arch} host`;
  let text: string;
  try {
    text = await readFile(`${binfmtDir}/${profile.binfmtEntry}`, 'utf8');
  } catch {
    return { ok: false, message: `${cannot}: binfmt_misc has no '${profile.binfmtEntry}' entry; ${how}` };
  }
  const entry = parseBinfmtEntry(text);
  if (entry === undefined || !entry.enabled) {
    return { ok: false, message: `${cannot}: the binfmt_misc entry '${profile.binfmtEntry}' is disabled; ${how}` };
  }
  if (!entry.flags.includes('F')) {
    return {
      ok: false,
      message: `${cannot}: the binfmt_misc entry '${profile.binfmtEntry}' lacks the F flag, so the emulator would have to be inside every stage root; re-register it with F (make binfmt)`,
    };
  }
  // With F the kernel runs the file it opened at registration; the one at that path now is what can
  // be identified (the same unless qemu-user was upgraded since, which `make binfmt` then redoes).
  // Debian's entry names a link whose name tells qemu it runs under binfmt_misc, where it will not
  // print its version: the file it points to is asked instead.
  const emulator = await realpath(entry.interpreter).catch(() => entry.interpreter);
  const component = await describeTool(`qemu-user (${profile.binfmtEntry})`, emulator, ['--version']).catch((): TrustedComponent => ({
    name: `qemu-user (${profile.binfmtEntry})`,
    path: emulator,
  }));
  return { ok: true, native: false, entry, component };
}
