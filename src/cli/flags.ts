// Command-line flags: `--name value` or `--name=value`, checked against a table of known flags, so a
// typo or a bad number is one line naming the flag and the fix rather than a silent default.

import { UserError } from '../errors.js';

export interface FlagSpec {
  /** 'string' | 'int' | 'number' | 'bool' */
  type: 'string' | 'int' | 'number' | 'bool';
  help: string;
  default?: string | number | boolean;
}

export type Flags = Record<string, string | number | boolean | undefined>;

export function usage(command: string, specs: Record<string, FlagSpec>): string {
  const rows = Object.entries(specs).map(([k, s]) => `  --${k}${s.type === 'bool' ? '' : ' ' + s.type.toUpperCase()}`.padEnd(30) + s.help + (s.default !== undefined ? ` (default ${s.default})` : ''));
  return `usage: ${command} [flags]\n${rows.join('\n')}`;
}

export function parseFlags(argv: readonly string[], specs: Record<string, FlagSpec>, command: string): Flags {
  const out: Flags = {};
  for (const [k, s] of Object.entries(specs)) out[k] = s.default;
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
  return out;
}
