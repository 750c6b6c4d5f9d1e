import { describe, expect, it } from 'vitest';
import { commandOutput } from '../../src/template/run-output.js';

describe("a command's output from the backend's log", () => {
  it("drops what the kernel printed on a VM's console and its CR LF line ends, keeping the command's lines", () => {
    const console =
      "[    0.412345] nvme nvme0: missing or invalid SUBNQN field.\r\nhello\r\n[  1.5] line\r\n  [0.1] not the kernel's\r\nreboot: Restarting system with command '0700'\r\n";
    expect(commandOutput(console, 'qemu')).toBe("hello\n  [0.1] not the kernel's\n");
  });

  it("keeps bubblewrap's log as it is: it holds only the command's output", () => {
    const log = '[    0.412345] looks like the kernel\r\nreboot: too\n';
    expect(commandOutput(log, 'bwrap')).toBe(log);
  });
});
