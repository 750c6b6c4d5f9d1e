// A local nginx serving a remote store, for trying the remote out, the tests and the benchmark: the
// server block of docs/nginx-kindling-cache.conf with its listen and root lines replaced, run in the
// foreground as the current user, bound to 127.0.0.1 on a free port, with its pid file, logs and
// temporary directories under a temporary directory, and stopped by its owner.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX = '/usr/sbin/nginx';

/** The configuration shipped in the repository (dist/remote/ → docs/). */
export const NGINX_CONFIG = fileURLToPath(new URL('../../docs/nginx-kindling-cache.conf', import.meta.url));

export interface Nginx {
  readonly base: string;
  /** The directory served (tests change files here to play a hostile server). */
  readonly root: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export interface NginxOptions {
  /** Serve this directory (to share one store between servers); default: a fresh one. */
  readonly root?: string;
  /** Extra directives for the server block, e.g. `limit_rate 20k;` for a slow server. */
  readonly directives?: readonly string[];
}

export async function startNginx(options: NginxOptions = {}): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-nginx-'));
  const root = options.root ?? join(dir, 'root');
  await mkdir(join(root, '.incoming'), { recursive: true });
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) await mkdir(join(dir, 'temp', sub), { recursive: true });
  const port = await freePort();
  const block = (await readFile(NGINX_CONFIG, 'utf8'))
    .replace(/^\s*listen .*# kindling-test: listen$/m, `    listen 127.0.0.1:${port};`)
    .replace(
      /^\s*root .*# kindling-test: root$/m,
      `    root ${root};\n${(options.directives ?? []).map((line) => `    ${line}\n`).join('')}`,
    )
    .replace(/client_body_temp_path [^;]*;/, `client_body_temp_path ${join(root, '.incoming')};`);
  if (!block.includes(`127.0.0.1:${port}`) || !block.includes(`root ${root};`))
    throw new Error(`${NGINX_CONFIG}: the lines marked kindling-test were not found`);
  await writeFile(join(dir, 'server.conf'), block);
  await writeFile(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      `user ${userInfo().username};`,
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 64; }',
      'http {',
      `  access_log ${join(dir, 'access.log')};`,
      '  default_type application/octet-stream;',
      `  proxy_temp_path ${join(dir, 'temp', 'proxy')};`,
      `  fastcgi_temp_path ${join(dir, 'temp', 'fastcgi')};`,
      `  uwsgi_temp_path ${join(dir, 'temp', 'uwsgi')};`,
      `  scgi_temp_path ${join(dir, 'temp', 'scgi')};`,
      `  include ${join(dir, 'server.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(NGINX, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  await waitUntilServing(base, child, () => stderr, dir);
  return {
    base,
    root,
    dir,
    stop: async () => {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(base: string, child: ChildProcess, stderr: () => string, dir: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) {
      const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
      throw new Error(`nginx exited (${child.exitCode}): ${stderr()}${log}`);
    }
    try {
      const response = await fetch(`${base}/nothing-here`);
      await response.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  await stopChild(child);
  throw new Error(`nginx did not start serving ${base}`);
}

/** SIGTERM is nginx's fast shutdown: open connections are closed at once. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
