// Wrong C for the robustness test of cc: valid programs cut short and mutated token by token
// (tokens deleted, repeated, swapped, replaced by others, inserted), streams of random tokens,
// and random bytes. Deterministic from a seed, so a failure can be replayed.
import { randomSource } from './random-c.js';

/** C's tokens, roughly: names, numbers, strings, character constants, punctuators; the blanks between kept. */
const TOKEN =
  /[A-Za-z_$][\w$]*|\.?\d(?:[eEpP][+-]|[\w.])*|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|\/\*[\s\S]*?(?:\*\/|$)|\/\/[^\n]*|\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!=<>]=|##|\s+|[\s\S]/g;

/** Tokens to put where they do not belong: keywords, punctuators, directives, odd constants. */
const POOL = [
  'int',
  'char',
  'long',
  'unsigned',
  'double',
  'float',
  'void',
  'struct',
  'union',
  'enum',
  'typedef',
  'static',
  'extern',
  'const',
  'volatile',
  'sizeof',
  'if',
  'else',
  'while',
  'do',
  'for',
  'switch',
  'case',
  'default',
  'break',
  'continue',
  'return',
  'goto',
  '_Bool',
  '__attribute__',
  '__attribute__((packed))',
  'asm',
  '__syscall',
  'typeof',
  '_Alignof',
  '_Alignas',
  '__extension__',
  'inline',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ';',
  ',',
  ':',
  '?',
  '.',
  '->',
  '...',
  '=',
  '+=',
  '<<=',
  '*',
  '&',
  '!',
  '~',
  '-',
  '+',
  '++',
  '--',
  '/',
  '%',
  '<<',
  '>>',
  '<',
  '==',
  '&&',
  '||',
  '|',
  '^',
  '#',
  '##',
  '\n#define X(a) a ## a\n',
  '\n#if\n',
  '\n#endif\n',
  '\n#include\n',
  '\n#else\n',
  '\n#undef\n',
  '0',
  '1',
  '-1',
  '0x',
  '1e',
  '1.5e+',
  '0x1p',
  '08',
  '99999999999999999999999',
  '1.0',
  '.5f',
  '0b',
  "'",
  "'ab'",
  '"',
  '"\\x"',
  '"\\777"',
  'L"w"',
  '__VA_ARGS__',
  '__LINE__',
  'main',
  'x',
  'printf',
  'NULL',
  '\\',
  '@',
  '`',
  '\u00e9',
  '\0',
];

function tokens(source: string): string[] {
  return source.match(TOKEN) ?? [];
}

/** The significant tokens' positions (not blanks or comments). */
function significant(list: readonly string[]): number[] {
  return list.flatMap((t, i) => (/^\s|^\/[/*]/.test(t) ? [] : [i]));
}

/** One wrong program made from source (a valid one) and the seed. */
export function mutatedSource(source: string, seed: number): string {
  const next = randomSource(seed);
  const pick = <T>(items: readonly T[]): T => items[next(items.length)]!;
  const list = tokens(source);
  const kind = next(10);
  if (kind === 0) return list.slice(0, next(list.length + 1)).join('');
  if (kind === 1) return source.slice(0, next(source.length + 1));
  if (kind === 2) return Array.from({ length: 1 + next(60) }, () => pick(POOL) + pick([' ', '', '\n'])).join('');
  if (kind === 3) return Array.from({ length: 1 + next(200) }, () => String.fromCharCode(next(256))).join('');
  for (let round = 1 + next(4); round > 0; round -= 1) {
    const places = significant(list);
    if (places.length === 0) break;
    const at = pick(places);
    const other = pick(places);
    switch (next(5)) {
      case 0:
        list.splice(at, 1 + next(3));
        break;
      case 1:
        list.splice(at, 0, list[at]!);
        break;
      case 2:
        [list[at], list[other]] = [list[other]!, list[at]!];
        break;
      case 3:
        list[at] = pick(POOL);
        break;
      default:
        list.splice(at, 0, ' ', pick(POOL), ' ');
    }
  }
  return list.join('');
}
