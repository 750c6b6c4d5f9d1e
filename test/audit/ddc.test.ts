// `kindling audit --ddc` on the real amd64 chain (built into the tests' shared store by
// bubblewrap): TinyCC built from the same pinned sources by the host's gcc, then by itself,
// gives the chain's bytes; a compiler that changes what the compiled tcc writes is caught, with
// the first differing byte named and both sides kept.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DdcResult } from '../../src/audit/ddc.js';
import { applyLinePatch } from '../../src/audit/ddc-patch.js';
import { ddcHtml, ddcLines } from '../../src/audit/render-ddc.js';
import { SHARED_STORE } from '../support/amd64.js';
import { kindling } from '../support/cli.js';
import { chainOutputWithSources, distfilesDir } from '../programs/unpack/tools.js';

let work: string;
let kept: string | undefined;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-ddc-test-'));
  await chainOutputWithSources('tcc', 'bin/tcc'); // the chain up to tcc, in the shared store
}, 1_800_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  if (kept !== undefined) await rm(kept, { recursive: true, force: true });
});

const ddc = (args: readonly string[]) => kindling(['audit', '--ddc', '--store', SHARED_STORE, '--distfiles', distfilesDir(), ...args]);

describe('kindling audit --ddc', () => {
  it("matches on the real chain: gcc -> tcc -> tcc gives the chain's bin/tcc and libraries byte for byte", async () => {
    const result = await ddc(['--json']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('"ok": true');
    const report = JSON.parse(result.stdout) as { ddc: DdcResult };
    expect(report.ddc.ok).toBe(true);
    expect(report.ddc.kept).toBeUndefined();
    expect(report.ddc.files.map((f) => f.path)).toEqual([
      'bin/tcc',
      'lib/crt1.o',
      'lib/crti.o',
      'lib/crtn.o',
      'lib/libc.a',
      'lib/tcc/libtcc1.a',
    ]);
    for (const file of report.ddc.files) expect(file.independentSha256).toBe(file.chainSha256);
  }, 600_000);

  it('writes the result into the HTML report', async () => {
    const page = join(work, 'audit.html');
    const result = await ddc(['--html', page]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^PASS: 0 errors/);
    const html = await readFile(page, 'utf8');
    expect(html).toContain('<h2>Diverse double-compiling</h2>');
    expect(html).toContain('<span class="verdict pass">MATCH</span> 6 files built by the independent route');
  }, 600_000);

  it('names the first differing byte and keeps both binaries when the independent compiler is not honest', async () => {
    // gcc, then one section name changed inside the compiled compiler: every object and
    // program that tcc writes carries ".shstrtaX" for ".shstrtab".
    const wrapper = join(work, 'dishonest-cc');
    await writeFile(
      wrapper,
      `#!/bin/sh
out=; prev=
for a in "$@"; do [ "$prev" = "-o" ] && out=$a; prev=$a; done
gcc "$@" || exit 1
LC_ALL=C sed -i 's/\\.shstrtab/.shstrtaX/g' "$out"
`,
    );
    await chmod(wrapper, 0o755);
    const result = await ddc(['--ddc-compiler', wrapper]);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/^FAIL: 0 errors, .*; diverse double-compiling differs$/m);
    const line = result.stdout.split('\n').find((l) => l.includes('DIFFERS   bin/tcc'));
    expect(line).toMatch(/at byte \d+ \(0x[0-9a-f]+\): 0x62 in the chain's, 0x58 in the independent build's/);
    const dir = /both kept in (\S+)/.exec(result.stderr)?.[1];
    expect(dir).toBeDefined();
    kept = dir;
    const offset = Number(/at byte (\d+)/.exec(line!)![1]);
    const chain = await readFile(join(dir!, 'chain', 'bin', 'tcc'));
    const independent = await readFile(join(dir!, 'independent', 'bin', 'tcc'));
    expect(chain.subarray(0, offset).equals(independent.subarray(0, offset))).toBe(true);
    expect([chain[offset], independent[offset]]).toEqual([0x62, 0x58]);
    expect(existsSync(join(dir!, 'chain', 'lib', 'libc.a'))).toBe(true);
  }, 600_000);
});

describe('kindling audit --ddc without the chain built', () => {
  it('says in one line what the store lacks and how to get it', async () => {
    const store = join(work, 'empty-store');
    const result = await kindling(['audit', '--ddc', '--store', store, '--distfiles', distfilesDir()]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /^kindling: ddc: the store \S+empty-store does not hold cc lib\/cc\/\S+ \(sha256 [0-9a-f]{64}\); run kindling bootstrap into it first$/m,
    );
    expect(result.stderr).not.toContain('    at ');
  }, 120_000);
});

describe('the DDC report', () => {
  const result: DdcResult = {
    stage: 'tcc',
    compiler: 'gcc',
    ok: false,
    kept: '/tmp/kept',
    files: [
      {
        path: 'bin/tcc',
        chainSha256: 'a'.repeat(64) as never,
        independentSha256: 'b'.repeat(64) as never,
        difference: { offset: 16, left: 1, right: 2, leftSize: 20, rightSize: 20 },
      },
      { path: 'lib/libc.a', chainSha256: 'c'.repeat(64) as never, independentSha256: 'c'.repeat(64) as never },
    ],
  };

  it('says in text which file differs, where, and where both are kept', () => {
    const lines = ddcLines(result);
    expect(lines[0]).toContain('DIFFERS: 1 of 2 files differ; both sides kept in /tmp/kept');
    expect(lines[1]).toBe("  DIFFERS   bin/tcc at byte 16 (0x10): 0x01 in the chain's, 0x02 in the independent build's");
    expect(lines[2]).toContain('same      lib/libc.a');
  });

  it('says the same in HTML, escaped', () => {
    const html = ddcHtml({ ...result, compiler: '<cc>' });
    expect(html).toContain('&lt;cc&gt;');
    expect(html).toContain('DIFFERS');
    expect(html).toContain('at byte 16 (0x10)');
    expect(ddcHtml({ ...result, ok: true, files: [result.files[1]!] })).toContain('MATCH');
  });
});

describe('the line patch', () => {
  it('replaces each old line found exactly once and refuses one that is not', () => {
    expect(applyLinePatch('# Why: x\n-b\n+B\n', 'a\nb\nc')).toBe('a\nB\nc');
    expect(() => applyLinePatch('-z\n+Z\n', 'a\nb', 'p.patch')).toThrow('p.patch: line not found exactly once: z');
    expect(() => applyLinePatch('-a\n+A\n', 'a\na', 'p.patch')).toThrow('not found exactly once');
  });
});
