// A b0 program of random expressions, one printed a line, for tests that compare two compilers or
// two targets on it (b0 on amd64 and AArch64; cc --target amd64 and aarch64). Every operator
// appears; division by zero, the most negative number divided by -1 and shift counts outside
// 0..63 are left out: x86-64 faults or masks where AArch64 does not, and b0 leaves them undefined.

/** The program's source: `count` lines of output, each a value of a random expression. */
export function randomExpressionsProgram(random: () => number, options: { count: number; divisors: readonly string[] }): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const binary = ['||', '&&', '|', '^', '&', '==', '!=', '<', '<=', '>', '>=', '<<', '>>', '+', '-', '*', '/', '%'];
  const leaves = [
    'a',
    'b',
    'g',
    't[1]',
    's{2}',
    '0',
    '1',
    '7',
    '63',
    '255',
    '2147483647',
    '2147483648',
    '4294967295',
    '123456789012',
    "'x'",
  ];
  const grow = (depth: number): string => {
    const r = random();
    if (depth === 0 || r < 0.2) return pick(leaves);
    if (r < 0.35) return `${pick(['-', '!', '~'])}(${grow(depth - 1)})`;
    const op = pick(binary);
    let right = grow(depth - 1);
    if (op === '/' || op === '%') right = pick(options.divisors);
    if (op === '<<' || op === '>>') right = `(${right} & 63)`;
    const text = `${grow(depth - 1)} ${op} ${right}`;
    return random() < 0.5 ? `(${text})` : text;
  };
  const lines = ['var g, t[3];', 'main() {', '    var a, b, s;', '    s = "abcdef";'];
  for (let n = 0; n < options.count; n += 1) {
    lines.push(
      `    a = ${Math.floor(random() * 200) - 100}; b = ${Math.floor(random() * 11) - 5}; g = 777359695179; t[1] = -3823804492959351424;`,
    );
    lines.push(`    print_number(${grow(4)}); putchar(10);`);
  }
  lines.push('    return 0;', '}');
  return lines.join('\n') + '\n';
}
