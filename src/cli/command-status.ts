// The exit status a command chose for itself, when it is not 0 and not a failure of kindling's:
// `template run` exits with the status of the command it ran. Taken (and reset) once per command line.
let status = 0;

export function setCommandStatus(value: number): void {
  status = value;
}

export function takeCommandStatus(): number {
  const value = status;
  status = 0;
  return value;
}
