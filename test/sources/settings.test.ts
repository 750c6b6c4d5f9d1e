// Where sources may come from: command line, KINDLING_DISTFILES, the mirrors file, proxy variables;
// how a mirror entry becomes a URL; and that the proxy settings really route requests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Bytes } from '../../src/digest.js';
import { fetchSources } from '../../src/sources/ensure.js';
import { candidateUrls, mirrorUrl } from '../../src/sources/mirrors.js';
import { readEnvironment } from '../../src/environment.js';
import { resolveSourceSettings, SettingsError } from '../../src/sources/settings.js';
import { serveBytes, startServer } from './http-rig.js';
import { fastOptions, makeRig, randomPayload, wanted } from './rig.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-settings-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveSourceSettings', () => {
  it('puts command-line entries first, then the environment and the mirrors file', async () => {
    await mkdir(join(dir, 'kindling'));
    await writeFile(
      join(dir, 'kindling', 'mirrors'),
      '# local mirrors, closest first\nhttp://cache.lan/distfiles\n\n  https://cas.example/sha256/{sha256}  # by hash\n',
    );
    const settings = await resolveSourceSettings(
      { distfiles: ['/cli/dist'], mirrors: ['https://cli.example/pub'] },
      readEnvironment({
        XDG_CONFIG_HOME: dir,
        KINDLING_DISTFILES: ['/env/one', '', '/env/two', '/cli/dist'].join(delimiter),
        HTTPS_PROXY: 'http://proxy:3128',
        NO_PROXY: 'localhost',
      }),
    );
    expect(settings).toEqual({
      distfiles: ['/cli/dist', '/env/one', '/env/two'],
      mirrors: ['https://cli.example/pub', 'http://cache.lan/distfiles', 'https://cas.example/sha256/{sha256}'],
      proxy: { httpProxy: '', httpsProxy: 'http://proxy:3128', noProxy: 'localhost' },
      mirrorsFile: join(dir, 'kindling', 'mirrors'),
    });
  });

  it('works without a mirrors file, and finds it under HOME or KINDLING_MIRRORS_FILE', async () => {
    expect(readEnvironment({ HOME: '/home/u' }).mirrorsFile).toBe('/home/u/.config/kindling/mirrors');
    expect(readEnvironment({ HOME: '/home/u', KINDLING_MIRRORS_FILE: '/etc/m' }).mirrorsFile).toBe('/etc/m');
    const settings = await resolveSourceSettings({}, readEnvironment({ HOME: dir }));
    expect(settings.mirrors).toEqual([]);
    expect(settings.mirrorsFile).toBeUndefined();
  });

  it('names the file and line of a bad mirror', async () => {
    const file = join(dir, 'mirrors');
    await writeFile(file, 'https://ok.example\nftp://old.example/pub\n');
    const attempt = resolveSourceSettings({}, readEnvironment({ KINDLING_MIRRORS_FILE: file }));
    await expect(attempt).rejects.toThrow(SettingsError);
    await expect(attempt).rejects.toThrow(`${file}:2: only http and https mirrors are supported: ftp://old.example/pub`);
    await expect(resolveSourceSettings({ mirrors: ['not a url'] }, readEnvironment({ HOME: dir }))).rejects.toThrow('--mirror: not a URL');
  });
});

describe('mirror URLs', () => {
  const source = wanted(Buffer.from('x'), ['https://upstream.example/releases/tool 1.0.tar.gz'], 'tool 1.0.tar.gz');

  it('appends the file name to a base URL, or fills a template', () => {
    expect(mirrorUrl('https://m.example/pub/', source)).toBe('https://m.example/pub/tool%201.0.tar.gz');
    expect(mirrorUrl('https://m.example/by-hash/{sha256}?name={name}', source)).toBe(
      `https://m.example/by-hash/${sha256Bytes('x')}?name=tool%201.0.tar.gz`,
    );
  });

  it('tries the mirrors first, then the manifest URLs, each once', () => {
    expect(candidateUrls(source, ['https://m.example', 'https://upstream.example/releases'])).toEqual([
      'https://m.example/tool%201.0.tar.gz',
      'https://upstream.example/releases/tool%201.0.tar.gz',
      'https://upstream.example/releases/tool 1.0.tar.gz',
    ]);
  });
});

describe('proxies', () => {
  it('sends requests through HTTP_PROXY, and straight to hosts in NO_PROXY', async () => {
    const rig = await makeRig();
    const body = randomPayload(50_000);
    const origin = await startServer((req, res) => serveBytes(res, req, body));
    // A CONNECT proxy, as undici speaks to HTTP proxies, recording where it was asked to go.
    const tunnels: string[] = [];
    const sockets = new Set<Socket>();
    const proxy = createServer();
    proxy.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(request.url ?? '');
      const [host, port] = (request.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      sockets.add(client).add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const originHost = new URL(origin.base).host;
    try {
      const source = wanted(body, [`${origin.base}/via-proxy.tar`]);
      const proxied = await fetchSources([source], rig.store, {
        ...fastOptions,
        proxy: { httpProxy: proxyUrl, httpsProxy: '', noProxy: '' },
      });
      expect(proxied.failed).toEqual([]);
      expect(tunnels).toEqual([originHost]);

      const direct = wanted(randomPayload(10), [`${origin.base}/direct.tar`]);
      await fetchSources([direct], rig.store, {
        ...fastOptions,
        retries: 0,
        proxy: { httpProxy: proxyUrl, httpsProxy: '', noProxy: '127.0.0.1' },
      });
      expect(tunnels).toHaveLength(1);
      expect(origin.requests.map((r) => r.path)).toEqual(['/via-proxy.tar', '/direct.tar']);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await origin.close();
      await rig.cleanup();
    }
  });
});
