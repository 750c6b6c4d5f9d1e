// What a command printed, from the log a backend wrote. bubblewrap's log is the command's own
// stdout and stderr. A VM's log is its serial console: the command's output with the terminal's
// CR LF line ends, plus what the kernel prints even when quiet (its timestamped warnings and the
// restart line that carries the status), which is not the command's and is dropped.
const KERNEL_LINE = /^\[\s*\d+\.\d+\] |^reboot: /;

export function commandOutput(log: string, backend: string): string {
  if (backend !== 'qemu') return log;
  const lines = log.replaceAll('\r\n', '\n').split('\n');
  return lines.filter((line) => !KERNEL_LINE.test(line)).join('\n');
}
