// Random C programs over integer and floating types for differential testing (cc against the
// host's C compiler): expressions with casts, every arithmetic operator, comparisons, logical
// operators, ?:, compound assignments and ++/--, global initializers folded at compile time,
// and floating constants written in many ways (long decimal strings, exponents near the ends of
// the range, hexadecimal, f suffixes; never long double, which cc takes as double). Every
// program's behaviour is defined by C (with signed overflow wrapping, as `-fwrapv` tells the
// host compiler): integer division only by a value that is neither 0 nor -1, shifts by 0 to
// 15, floating values converted to an integer type only through `in_range` (which gives 0.5
// for a value out of that type's range or a NaN). A NaN's bits, which C leaves open, are
// printed as "nan", and a zero as "zero" without its sign: at -O0 gcc still rewrites some
// expressions whose value is a zero, -(0.0f - x) as x, which gives +0 where IEEE says -0
// (floats.c checks the signs of zeros cc gives).

/** A small deterministic generator (a linear congruential one), so a failure can be replayed. */
export function randomSource(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.floor((state / 2147483648) * n);
  };
}

interface CType {
  readonly name: string;
  readonly floating: boolean;
  readonly bits: number;
  readonly unsigned: boolean;
  /** The open interval of values a floating value may have to convert to this integer type. */
  readonly range?: readonly [string, string];
}

const INTEGER_TYPES: readonly CType[] = [
  { name: 'char', floating: false, bits: 8, unsigned: false, range: ['-129.0', '128.0'] },
  { name: 'unsigned char', floating: false, bits: 8, unsigned: true, range: ['-1.0', '256.0'] },
  { name: 'short', floating: false, bits: 16, unsigned: false, range: ['-32769.0', '32768.0'] },
  { name: 'unsigned short', floating: false, bits: 16, unsigned: true, range: ['-1.0', '65536.0'] },
  { name: 'int', floating: false, bits: 32, unsigned: false, range: ['-2147483649.0', '2147483648.0'] },
  { name: 'unsigned', floating: false, bits: 32, unsigned: true, range: ['-1.0', '4294967296.0'] },
  { name: 'long', floating: false, bits: 64, unsigned: false, range: ['-9223372036854775808.0', '9223372036854775808.0'] },
  { name: 'unsigned long', floating: false, bits: 64, unsigned: true, range: ['-1.0', '18446744073709551616.0'] },
];
const FLOAT: CType = { name: 'float', floating: true, bits: 32, unsigned: false };
const DOUBLE: CType = { name: 'double', floating: true, bits: 64, unsigned: false };
const TYPES: readonly CType[] = [...INTEGER_TYPES, FLOAT, DOUBLE];
const INT = INTEGER_TYPES[4]!;

const INTEGER_VALUES = [
  '0',
  '1',
  '-1',
  '7',
  '-7',
  '127',
  '128',
  '255',
  '256',
  '32767',
  '-32768',
  '65535',
  '2147483647',
  '(-2147483647 - 1)',
  '4294967295',
  '-987654321',
  '9007199254740993',
  '18446744073709551615u',
  '9223372036854775808u',
];

/** The integer promotions and the usual arithmetic conversions, as C defines them. */
function promoted(t: CType): CType {
  return !t.floating && t.bits < 32 ? INT : t;
}
function common(a: CType, b: CType): CType {
  if (a === DOUBLE || b === DOUBLE) return DOUBLE;
  if (a === FLOAT || b === FLOAT) return FLOAT;
  const pa = promoted(a);
  const pb = promoted(b);
  const bits = Math.max(pa.bits, pb.bits);
  const unsigned = (pa.bits === bits && pa.unsigned) || (pb.bits === bits && pb.unsigned);
  return INTEGER_TYPES.find((t) => t.bits === bits && t.unsigned === unsigned)!;
}

/** A decimal or hexadecimal floating constant, sometimes long or near the ends of the range. */
export function floatingConstant(next: (n: number) => number, single: boolean): string {
  const digits = (count: number): string => Array.from({ length: count }, () => String(next(10))).join('');
  // No L suffix: long double is double in cc, x87's 80 bits in the host compiler.
  const suffix = single ? 'f' : '';
  switch (next(6)) {
    case 0: {
      const hex = '0123456789abcdef';
      const mantissa = Array.from({ length: 1 + next(16) }, () => hex[next(16)]).join('');
      const exponent = single ? next(280) - 150 : next(2200) - 1100;
      return `0x${mantissa.slice(0, 1)}.${mantissa.slice(1)}p${exponent}${suffix}`;
    }
    case 1: {
      // Long strings of digits: the rounding depends on digits far past the 17th.
      const exponent = single ? next(90) - 60 : next(700) - 360;
      return `${digits(1 + next(3))}.${digits(15 + next(40))}e${exponent}${suffix}`;
    }
    case 2: {
      // Near a halfway point between two doubles (or floats): 5 then zeros then a last digit.
      return `${digits(1)}.${digits(6 + next(10))}5${'0'.repeat(next(30))}${next(2)}e${next(40) - 20}${suffix}`;
    }
    case 3:
      return `${digits(1 + next(4))}.${digits(next(4))}${suffix}`;
    case 4:
      return `.${digits(1 + next(6))}e-${next(single ? 50 : 330)}${suffix}`;
    default:
      return `${digits(1 + next(3))}e${next(single ? 40 : 310)}${suffix}`;
  }
}

interface Expression {
  readonly text: string;
  readonly type: CType;
}

/**
 * One random program, as a function and the globals it prints: variables of every type, lines
 * of printed expressions and assignments, and globals initialized with constant expressions
 * (folded by the compiler). Its names start with p<seed>_, so that programs can share a file.
 */
function randomCase(seed: number): { readonly globals: readonly string[]; readonly body: readonly string[] } {
  const next = randomSource(seed);
  const pick = <T>(items: readonly T[]): T => items[next(items.length)]!;
  const variables = TYPES.map((type, i) => ({ text: `v${i}`, type }));

  /** A value of type `to` from e, a floating value passing through in_range first. */
  const cast = (e: Expression, to: CType): Expression => {
    if (e.type.floating && !to.floating) {
      return { text: `((${to.name})in_range(${e.text}, ${to.range![0]}, ${to.range![1]}))`, type: to };
    }
    return { text: `((${to.name})(${e.text}))`, type: to };
  };

  const leaf = (): Expression => {
    if (next(3) === 0) {
      if (next(2) === 0) return { text: pick(['3', '31', '1000', '65536', '4294967295u', '10L', '-3']), type: INT };
      const single = next(2) === 0;
      return { text: floatingConstant(next, single), type: single ? FLOAT : DOUBLE };
    }
    return pick(variables);
  };

  const expression = (depth: number): Expression => {
    if (depth === 0 || next(4) === 0) return leaf();
    const a = expression(depth - 1);
    const b = expression(depth - 1);
    const floating = a.type.floating || b.type.floating;
    switch (next(13)) {
      case 0: {
        if (floating) return { text: `((${a.text}) / (${b.text}))`, type: common(a.type, b.type) };
        const op = pick(['/', '%']);
        return { text: `((${a.text}) ${op} nonzero(${b.text}))`, type: common(common(a.type, b.type), INTEGER_TYPES[6]!) };
      }
      case 1:
        if (floating) return { text: `((${a.text}) * (${b.text}))`, type: common(a.type, b.type) };
        return { text: `((${a.text}) ${pick(['<<', '>>'])} ((${b.text}) & 15))`, type: promoted(a.type) };
      case 2:
      case 3:
        return cast(a, pick(TYPES));
      case 4:
        if (a.type.floating) return { text: `(-(${a.text}))`, type: a.type };
        return { text: `(${pick(['-', '~'])}(${a.text}))`, type: promoted(a.type) };
      case 5:
        return { text: `(!(${a.text}))`, type: INT };
      case 6: {
        const c = expression(depth - 1);
        const type = b.type.floating || c.type.floating ? common(b.type, c.type) : common(promoted(b.type), promoted(c.type));
        return { text: `((${a.text}) ? (${b.text}) : (${c.text}))`, type };
      }
      case 7:
        return { text: `((${a.text}) ${pick(['<', '>', '<=', '>=', '==', '!=', '&&', '||'])} (${b.text}))`, type: INT };
      case 8:
        if (floating) return { text: `((${a.text}) - (${b.text}))`, type: common(a.type, b.type) };
        return { text: `((${a.text}) ${pick(['&', '|', '^'])} (${b.text}))`, type: common(a.type, b.type) };
      default:
        return { text: `((${a.text}) ${pick(['+', '-', '*'])} (${b.text}))`, type: common(a.type, b.type) };
    }
  };

  /** A constant expression of literals only (a global's initializer). */
  const constant = (depth: number): Expression => {
    if (depth === 0 || next(3) === 0) {
      if (next(4) === 0) return { text: pick(['3', '-7', '1000000007', '4294967295u', '9007199254740993L']), type: INT };
      const single = next(3) === 0;
      return { text: floatingConstant(next, single), type: single ? FLOAT : DOUBLE };
    }
    const a = constant(depth - 1);
    const b = constant(depth - 1);
    switch (next(7)) {
      case 0:
        return { text: `(${pick(['float', 'double'])})(${a.text})`, type: DOUBLE };
      case 1:
        return { text: `(${a.text} ${pick(['<', '>', '<=', '>=', '==', '!='])} ${b.text})`, type: INT };
      case 2:
        return { text: `(-(${a.text}))`, type: a.type };
      case 3:
        // Divided as doubles: an integer division by 0 would not be a constant.
        return { text: `(${a.text} / (double)${b.text})`, type: DOUBLE };
      default:
        return { text: `(${a.text} ${pick(['+', '-', '*'])} ${b.text})`, type: DOUBLE };
    }
  };

  const print = (e: Expression): string => {
    if (e.type === DOUBLE) return `pd(${e.text});`;
    if (e.type === FLOAT) return `pf(${e.text});`;
    return e.type.unsigned ? `printf("%lu\\n", (unsigned long)(${e.text}));` : `printf("%ld\\n", (long)(${e.text}));`;
  };

  const globals: string[] = [];
  const body = variables.map(
    (v) => `    ${v.type.name} ${v.text} = ${v.type.floating ? floatingConstant(next, v.type === FLOAT) : pick(INTEGER_VALUES)};`,
  );
  for (let i = 0; i < 6; i += 1) {
    const type = pick([DOUBLE, FLOAT, DOUBLE, INT]);
    const init = constant(3);
    // An integer global takes a floating constant of a known, in-range value only.
    const text = type === INT ? `(int)${pick(['2.5', '-7.99', '1e9', '0x1p30', '.5e1'])} * 2` : init.text;
    globals.push(`${type.name} p${seed}_g${i} = ${text};`);
    body.push(`    ${print({ text: `p${seed}_g${i}`, type })}`);
  }
  for (let i = 0; i < 16; i += 1) {
    body.push(`    ${print(expression(4))}`);
    const target = pick(variables);
    const value = expression(2);
    if (target.type.floating) {
      body.push(`    ${target.text} ${pick(['+=', '-=', '*=', '/=', '='])} ${value.text};`);
    } else if (target.type.bits <= 32 && next(2) === 0) {
      // A floating amount added to an integer: the result stays in the integer's range.
      body.push(`    ${target.text} ${pick(['+=', '-='])} ${pick(['0.75', '0.25f', '-0.5', '0x1p-1'])};`);
    } else if (value.type.floating) {
      body.push(`    ${target.text} = ${cast(value, target.type).text};`);
    } else {
      body.push(`    ${target.text} ${pick(['+=', '-=', '*=', '&=', '|=', '^='])} ${value.text};`);
    }
    body.push(
      `    ${target.text}++; ${print({ text: `${target.text}--`, type: target.type })} ${print({ text: `--${target.text}`, type: target.type })}`,
    );
    body.push(`    ${print(target)}`);
  }
  return { globals, body };
}

/** The random programs of the seeds given, in one C file: each a function that main calls. */
export function randomPrograms(seeds: readonly number[]): string {
  const cases = seeds.map((seed) => ({ seed, ...randomCase(seed) }));
  return (
    [
      '#include <stdio.h>',
      '#include <string.h>',
      'long nonzero(long x) { return x == 0 || x == -1 ? 3 : x; }',
      'double in_range(double x, double low, double high) { return x > low && x < high ? x : 0.5; }',
      'void pd(double d) { unsigned long u; memcpy(&u, &d, 8); if (d != d) printf("nan\\n"); else if (d == 0) printf("zero\\n"); else printf("%lx\\n", u); }',
      'void pf(float f) { unsigned u; memcpy(&u, &f, 4); if (f != f) printf("nan\\n"); else if (f == 0) printf("zero\\n"); else printf("%x\\n", u); }',
      ...cases.flatMap((c) => [...c.globals, `void program_${c.seed}(void) {`, ...c.body, '}']),
      'int main(void) {',
      ...cases.map((c) => `    printf("program ${c.seed}\\n");\n    program_${c.seed}();`),
      '    return 0;',
      '}',
    ].join('\n') + '\n'
  );
}
