// A minimal client of qemu's machine protocol (QMP) on a socket qemu inherits: enough to save a
// machine (migrate, query-migrate, quit) and to learn when a restored one runs.
//
// The socket is one end of a socket pair (a child's `pipe` descriptor is one, under Node), the other
// end given to qemu as a descriptor: no path in a temporary directory to make, poll for and remove,
// and qemu's greeting arrives as soon as it has made its monitor.
import { Duplex, type Readable } from 'node:stream';

/**
 * The arguments that give qemu its monitor on descriptor `fd`, already connected (qemu's socket
 * character device takes a connected socket as its `fd`, in client mode).
 */
export function monitorArguments(fd: number): string[] {
  return ['-chardev', `socket,id=monitor,fd=${fd}`, '-mon', 'chardev=monitor,mode=control'];
}

type Message = Record<string, unknown>;

export class QemuMonitor {
  private buffer = '';
  private readonly waiting: ((message: Message) => void)[] = [];
  private readonly queued: Message[] = [];
  private closed = false;

  private readonly socket: Duplex;

  private constructor(socket: Duplex) {
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

  /**
   * The monitor on qemu's end of `socket`. Call it as soon as qemu is spawned: what qemu sends
   * from then on (its greeting first) is kept until read, so none of it is lost however late
   * `ready` is awaited. (execa types a child's extra descriptors as readable; a `pipe` one is a
   * socket, which writes too.)
   */
  static attach(socket: Readable | Duplex): QemuMonitor {
    if (!(socket instanceof Duplex)) throw new Error("qemu's monitor descriptor is not a socket");
    return new QemuMonitor(socket);
  }

  /** Waits for qemu's greeting and enters command mode; rejects if qemu goes first. */
  async ready(): Promise<void> {
    if ('closed' in (await this.next())) throw new Error('qemu exited before its monitor could be reached');
    await this.execute('qmp_capabilities');
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
