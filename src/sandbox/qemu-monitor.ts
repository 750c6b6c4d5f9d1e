// A minimal client of qemu's machine protocol (QMP) on a unix socket: enough to save a machine
// (migrate, query-migrate, quit) and to learn when a restored one runs.
import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

type Message = Record<string, unknown>;

export class QemuMonitor {
  private buffer = '';
  private readonly waiting: ((message: Message) => void)[] = [];
  private readonly queued: Message[] = [];
  private closed = false;

  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, end).trim();
        this.buffer = this.buffer.slice(end + 1);
        if (line !== '') this.deliver(JSON.parse(line) as Message);
      }
    });
    const close = (): void => {
      this.closed = true;
      for (const wake of this.waiting.splice(0)) wake({ closed: true });
    };
    socket.on('close', close);
    socket.on('error', close);
  }

  private deliver(message: Message): void {
    const wake = this.waiting.shift();
    if (wake === undefined) this.queued.push(message);
    else wake(message);
  }

  /** The next message (a reply or an event); `{ closed: true }` once qemu has gone. */
  next(): Promise<Message> {
    const message = this.queued.shift();
    if (message !== undefined) return Promise.resolve(message);
    if (this.closed) return Promise.resolve({ closed: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Connects once qemu has made its socket (it may still be starting), and enters command mode. */
  static async connect(path: string, alive: () => boolean): Promise<QemuMonitor> {
    for (;;) {
      const socket = await new Promise<Socket | undefined>((resolve) => {
        const attempt = createConnection(path);
        attempt.once('connect', () => resolve(attempt));
        attempt.once('error', () => resolve(undefined));
      });
      if (socket !== undefined) {
        const monitor = new QemuMonitor(socket);
        await monitor.next(); // the greeting
        await monitor.execute('qmp_capabilities');
        return monitor;
      }
      if (!alive()) throw new Error('qemu exited before its monitor could be reached');
      await sleep(5);
    }
  }

  /** Runs a command and returns its result; events that arrive first are passed to onEvent. */
  async execute(command: string, args?: Message, onEvent?: (event: Message) => void): Promise<unknown> {
    this.socket.write(JSON.stringify(args === undefined ? { execute: command } : { execute: command, arguments: args }) + '\n');
    for (;;) {
      const message = await this.next();
      if ('closed' in message) throw new Error(`qemu exited during ${command}`);
      if ('event' in message) {
        onEvent?.(message);
        continue;
      }
      if ('error' in message) throw new Error(`${command}: ${JSON.stringify((message.error as Message).desc ?? message.error)}`);
      return message.return;
    }
  }

  /** Resolves once the machine runs (a restore has finished loading); rejects if qemu goes first. */
  async running(): Promise<void> {
    let resumed = false;
    const status = (await this.execute('query-status', undefined, (event) => {
      if (event.event === 'RESUME') resumed = true;
    })) as { running?: boolean };
    if (resumed || status.running === true) return;
    for (;;) {
      const message = await this.next();
      if ('closed' in message) throw new Error('qemu exited before the machine ran');
      if (message.event === 'RESUME') return;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
