// Stages 08-unpack and 09-mescc-tools-tar in the real chain, run by kindling under bubblewrap.
// 08-unpack builds gunzip and untar with the chain's b0; 09-mescc-tools-tar takes the upstream
// mescc-tools tarball (from the distfiles directory, as KINDLING_DISTFILES or --distfiles give
// it to the orchestrator) and gunzips and lists it inside the chain. The host's gzip and tar are
// used only as the reference the chain's results are compared with.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { chainOutputWithSources, distfile, hostGunzip, runTool } from '../programs/unpack/tools.js';

const TARBALL = 'mescc-tools-1.4.0.tar.gz';

describe('stage 09-mescc-tools-tar', () => {
  it('declares the upstream release URL and the sha256 of the distfile', async () => {
    const chain = await loadChain(AMD64_CHAIN);
    const stage = chain.stages.find((s) => s.name === 'mescc-tools-tar');
    const source = stage?.inputs.find((i) => i.origin.kind === 'url');
    expect(source?.origin).toEqual({
      kind: 'url',
      urls: [
        'https://deb.debian.org/debian/pool/main/m/mescc-tools/mescc-tools_1.4.0.orig.tar.gz',
        'https://download.savannah.nongnu.org/releases/mescc-tools/mescc-tools-1.4.0.tar.gz',
      ],
    });
    const sums = readFileSync(join(distfile(TARBALL), '..', 'SHA256SUMS'), 'utf8');
    expect(sums).toContain(`${source?.sha256}  ${TARBALL}\n`);
  });

  it('gunzips the tarball inside the chain to the bytes gzip -dc gives', async () => {
    const tar = await chainOutputWithSources('mescc-tools-tar', 'src/mescc-tools-1.4.0.tar');
    expect((await readFile(tar)).equals(await hostGunzip(distfile(TARBALL)))).toBe(true);
  });

  it('lists the archive as the chain-built untar lists it outside the chain', async () => {
    const tar = await chainOutputWithSources('mescc-tools-tar', 'src/mescc-tools-1.4.0.tar');
    const list = await chainOutputWithSources('mescc-tools-tar', 'src/mescc-tools-1.4.0.tar.list');
    const untar = await chainOutput('unpack', 'bin/untar');
    const run = await runTool(untar, ['-t', tar]);
    expect(run.exitCode).toBe(0);
    const text = await readFile(list, 'utf8');
    expect(text).toBe(run.stdout);
    // 141 files and 38 directories (as `tar tvzf` counts them), each on a line.
    expect(text.split('\n').filter((l) => l.startsWith('f ')).length).toBe(141);
    expect(text.split('\n').filter((l) => l.startsWith('d ')).length).toBe(38);
  });
});
