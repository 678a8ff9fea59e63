// Command-line flags: `--name value` or `--name=value`, checked against a table of known flags, so a
// typo or a bad number is one line naming the flag and the fix rather than a silent default. The
// parsed result's type follows from the table (declared with `satisfies FlagTable`, which keeps each
// flag's literal type): a flag's type gives its value's, a default makes it always present, and a
// bool is false unless passed.

import { UserError } from '../errors.js';

export type FlagSpec =
  | { type: 'string'; help: string; default?: string }
  | { type: 'int' | 'number'; help: string; default?: number }
  | { type: 'bool'; help: string };

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
  const rows = Object.entries(specs).map(([k, s]) => `  --${k}${s.type === 'bool' ? '' : ' ' + s.type.toUpperCase()}`.padEnd(30) + s.help + ('default' in s && s.default !== undefined ? ` (default ${s.default})` : ''));
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
    if (spec.type === 'string') out[name] = raw;
    else {
      const v = Number(raw);
      if (!Number.isFinite(v) || (spec.type === 'int' && !Number.isInteger(v))) {
        throw new UserError(`${command}: --${name} ${JSON.stringify(raw)} is not ${spec.type === 'int' ? 'an integer' : 'a number'}`);
      }
      out[name] = v;
    }
  }
  // Every key of the table is set above, each with a value of its spec's type.
  return out as Flags<T>;
}
