import { sha256 } from '@noble/hashes/sha2.js';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyFiles, KeyFileError, loadSigningKey, loadTrustedKeys } from '../../src/attest/key-files.js';
import { parsePublicKey, verifySignature } from '../../src/attest/keys.js';
import { removeTempDirs, tempDir } from './rig.js';

afterAll(removeTempDirs);

describe('key files', () => {
  it('writes a 0600 private key and a public key beside it, in signed-note key format', async () => {
    const dir = await tempDir('keys');
    const files = await generateKeyFiles(join(dir, 'alice.key'), 'alice');
    expect((await stat(files.privatePath)).mode & 0o777).toBe(0o600);
    expect(files.publicPath).toBe(join(dir, 'alice.key.pub'));
    const publicText = (await readFile(files.publicPath, 'utf8')).trim();
    expect(publicText).toMatch(/^alice\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const raw = Buffer.from(publicText.split('+').slice(2).join('+'), 'base64');
    expect(raw[0]).toBe(1);
    const publicRaw = raw.subarray(1);
    // Key id: sha256 of the raw public key; note key hash: sha256(name \n 0x01 key)[:4].
    expect(files.publicKey.keyId).toBe(Buffer.from(sha256(publicRaw)).toString('hex'));
    const noteHash = sha256(new Uint8Array([...Buffer.from('alice\n'), 1, ...publicRaw])).subarray(0, 4);
    expect(publicText.split('+')[1]).toBe(Buffer.from(noteHash).toString('hex'));
    expect((await readFile(files.privatePath, 'utf8')).startsWith('PRIVATE+KEY+alice+')).toBe(true);
  });

  it('signs with the loaded private key so that the public key file verifies it', async () => {
    const dir = await tempDir('keys');
    const files = await generateKeyFiles(join(dir, 'bob'), 'bob');
    const key = await loadSigningKey(files.privatePath);
    const message = new TextEncoder().encode('a message');
    const signature = key.sign(message);
    const publicKey = parsePublicKey(await readFile(files.publicPath, 'utf8'));
    expect(publicKey.keyId).toBe(key.publicKey.keyId);
    expect(verifySignature(publicKey, message, signature)).toBe(true);
    expect(verifySignature(publicKey, new TextEncoder().encode('another message'), signature)).toBe(false);
  });

  it('refuses a private key file readable by group or others, naming the file and not revealing the key', async () => {
    const dir = await tempDir('keys');
    const files = await generateKeyFiles(join(dir, 'carol'), 'carol');
    const secret = (await readFile(files.privatePath, 'utf8')).trim().split('+').slice(4).join('+');
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      await chmod(files.privatePath, mode);
      const error = await loadSigningKey(files.privatePath).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(KeyFileError);
      expect((error as Error).message).toContain(files.privatePath);
      expect((error as Error).message).toContain('chmod 600');
      expect((error as Error).message).not.toContain(secret);
    }
    await chmod(files.privatePath, 0o600);
    await expect(loadSigningKey(files.privatePath)).resolves.toBeDefined();
  });

  it('never echoes a malformed private key in the error', async () => {
    const dir = await tempDir('keys');
    const path = join(dir, 'broken');
    const secretLooking = 'PRIVATE+KEY+eve+00000000+SECRETSECRETSECRET';
    await writeFile(path, secretLooking, { mode: 0o600 });
    const error = await loadSigningKey(path).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.message).toContain(path);
    expect(error?.message).not.toContain('SECRETSECRET');
  });

  it('does not overwrite an existing key', async () => {
    const dir = await tempDir('keys');
    await generateKeyFiles(join(dir, 'dan'), 'dan');
    await expect(generateKeyFiles(join(dir, 'dan'), 'dan')).rejects.toThrow(/refusing to overwrite/);
  });

  it('loads trusted keys from a file or a directory, counting a repeated key once, refusing a pasted private key', async () => {
    const dir = await tempDir('keys');
    const a = await generateKeyFiles(join(dir, 'a'), 'a');
    const b = await generateKeyFiles(join(dir, 'b'), 'b');
    const listing = join(dir, 'trusted.txt');
    const aText = await readFile(a.publicPath, 'utf8');
    await writeFile(listing, `# rebuilders\n${aText}\n${await readFile(b.publicPath, 'utf8')}${aText}`);
    const fromFile = await loadTrustedKeys(listing);
    expect([...fromFile.values()].map((key) => key.name).sort()).toEqual(['a', 'b']);
    const fromDir = await loadTrustedKeys(dir);
    expect(fromDir.size).toBe(2);
    const privateText = await readFile(a.privatePath, 'utf8');
    await writeFile(listing, privateText);
    const error = await loadTrustedKeys(listing).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.message).toContain('a private key is not a trusted public key');
    expect(error?.message).not.toContain(privateText.trim().split('+').slice(4).join('+'));
  });
});
