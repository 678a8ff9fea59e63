// Command-line flags: `--name value` or `--name=value`, checked against a table of known flags, so a
// typo or a bad number is one line naming the flag and the fix rather than a silent default. The
// parsed result's type follows from the table (declared with `satisfies FlagTable`, which keeps each
// flag's literal type): a flag's type gives its value's, a default makes it always present, and a
// bool is false unless passed. A number may have bounds, and a string a list of choices.

import { UserError } from '../errors.js';

export type FlagSpec =
  | { type: 'string'; help: string; default?: string; choices?: readonly string[] }
  | { type: 'int' | 'number'; help: string; default?: number; range?: Range }
  | { type: 'bool'; help: string };

/** Bounds of a number flag: `min`/`max` inclusive, `above`/`below` exclusive. */
export interface Range {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

/** "≥ 1", "> 0", "≥ 0 and < 1". */
function describeRange(r: Range): string {
  const lower = r.min !== undefined ? `≥ ${r.min}` : r.above !== undefined ? `> ${r.above}` : '';
  const upper = r.max !== undefined ? `≤ ${r.max}` : r.below !== undefined ? `< ${r.below}` : '';
  return [lower, upper].filter(Boolean).join(' and ');
}

const inRange = (v: number, r: Range): boolean =>
  !(v < (r.min ?? -Infinity) || v > (r.max ?? Infinity) || v <= (r.above ?? -Infinity) || v >= (r.below ?? Infinity));

export type FlagTable = Readonly<Record<string, FlagSpec>>;

interface FlagValueOfType {
  string: string;
  int: number;
  number: number;
  bool: boolean;
}

type FlagValue<S extends FlagSpec> = S extends { type: 'bool' } | { default: string | number }
  ? FlagValueOfType[S['type']]
  : FlagValueOfType[S['type']] | undefined;

/** The parsed flags of a table, keyed by flag name. */
export type Flags<T extends FlagTable> = { -readonly [K in keyof T]: FlagValue<T[K]> };

export function usage(command: string, specs: FlagTable): string {
  const rows = Object.entries(specs).map(([k, s]) => {
    const notes = ['range' in s && s.range ? describeRange(s.range) : '', 'default' in s && s.default !== undefined ? `default ${s.default}` : ''].filter(Boolean);
    return `  --${k}${s.type === 'bool' ? '' : ' ' + s.type.toUpperCase()}`.padEnd(30) + s.help + (notes.length ? ` (${notes.join(', ')})` : '');
  });
  return `usage: ${command} [flags]\n${rows.join('\n')}`;
}

export function parseFlags<T extends FlagTable>(argv: readonly string[], specs: T, command: string): Flags<T> {
  const out: Record<string, string | number | boolean | undefined> = {};
  for (const [k, s] of Object.entries(specs)) out[k] = s.type === 'bool' ? false : s.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      console.log(usage(command, specs));
      process.exit(0);
    }
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UserError(`${command}: unexpected argument ${JSON.stringify(arg)}; flags look like --epochs 10 (see --help)`);
    const [, name, inline] = m as unknown as [string, string, string | undefined];
    const spec = specs[name];
    if (!spec) throw new UserError(`${command}: unknown flag --${name}; known flags: ${Object.keys(specs).map((k) => '--' + k).join(', ')}`);
    if (spec.type === 'bool') {
      out[name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UserError(`${command}: --${name} needs a value (${spec.help})`);
    if (spec.type === 'string') {
      if (spec.choices && !spec.choices.includes(raw)) throw new UserError(`${command}: --${name} ${JSON.stringify(raw)} is not one of ${spec.choices.join(', ')}`);
      out[name] = raw;
    } else {
      const v = Number(raw);
      if (!Number.isFinite(v) || (spec.type === 'int' && !Number.isInteger(v))) {
        throw new UserError(`${command}: --${name} ${JSON.stringify(raw)} is not ${spec.type === 'int' ? 'an integer' : 'a number'}`);
      }
      if (spec.range && !inRange(v, spec.range)) {
        throw new UserError(`${command}: --${name} ${raw} is out of range; pass ${spec.type === 'int' ? 'an integer' : 'a number'} ${describeRange(spec.range)} (${spec.help})`);
      }
      out[name] = v;
    }
  }
  // Every key of the table is set above, each with a value of its spec's type.
  return out as Flags<T>;
}
