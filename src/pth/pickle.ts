// A restricted unpickler: Python's pickle is a small stack machine whose GLOBAL and REDUCE opcodes
// import and call arbitrary Python code, which is how a malicious .pth runs commands on load. This one
// knows only the opcodes that state dicts are written with (protocols 2–5: containers, numbers,
// strings, the memo, persistent ids) and resolves a global only through the caller's table, so
// anything else is refused at the opcode that asks for it, before any later opcode is read. Nothing
// is ever executed: the table's entries are plain functions over the values read so far.

import { userError } from '../errors.js';

export type PyKey = string | number | bigint | boolean | null;

/** What the table turns a global into: `call` serves REDUCE, `build` serves BUILD on what `call` made. */
export interface GlobalSpec {
  call?: (args: readonly PyValue[]) => PyValue;
  build?: (target: PyValue, state: PyValue) => void;
}

/** A global the table allows, as pushed by GLOBAL; values made by its `call` remember it for BUILD. */
export class PyGlobal {
  constructor(
    readonly name: string,
    readonly spec: GlobalSpec,
  ) {}
}

/** Values of the table's own making (tensors, storages); the unpickler passes them through untouched. */
export interface HostValue {
  readonly host: string;
}

/** Tuples are frozen arrays, lists plain arrays, dicts Maps. */
export type PyValue = PyKey | PyValue[] | Map<PyKey, PyValue> | PyGlobal | HostValue;

export interface UnpickleOptions {
  /** Names the file (and the pickle inside it) in errors. */
  source: string;
  /** Allowed globals by `module.name`. */
  globals: Readonly<Record<string, GlobalSpec>>;
  /** Resolves BINPERSID ids (PyTorch's references to tensor data stored outside the pickle). */
  persistentLoad: (pid: PyValue) => PyValue;
  /** The fix offered when a global is refused. */
  refusedFix: string;
}

const CORRUPT = 'the file is truncated or damaged: copy or download it again';

const tuple = (items: PyValue[]): PyValue[] => Object.freeze(items) as PyValue[];

/** Reads one pickle starting at `offset`; returns its value and the offset after its STOP. */
export function unpickle(bytes: Uint8Array, offset: number, opts: UnpickleOptions): { value: PyValue; end: number } {
  const { source } = opts;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  const madeBy = new WeakMap<object, PyGlobal>();
  let at = offset;
  let op = 0;
  let opAt = 0;

  const bad = (problem: string): Error => userError(source, `${problem} (pickle opcode 0x${op.toString(16)} at byte ${opAt})`, CORRUPT);
  const take = (n: number): number => {
    if (at + n > bytes.length) throw bad(`the pickle runs past the end of the data`);
    const was = at;
    at += n;
    return was;
  };
  const pop = (): PyValue => {
    if (stack.length <= (marks.at(-1) ?? 0)) throw bad('the pickle pops an empty stack');
    return stack.pop()!;
  };
  const top = (): PyValue => {
    if (stack.length <= (marks.at(-1) ?? 0)) throw bad('the pickle reads an empty stack');
    return stack[stack.length - 1]!;
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) throw bad('the pickle closes a MARK it never opened');
    return stack.splice(m);
  };
  const text = (n: number): string => {
    const from = take(n);
    try {
      return utf8.decode(bytes.subarray(from, from + n));
    } catch {
      throw bad('a string is not valid UTF-8');
    }
  };
  const line = (): string => {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) throw bad('a GLOBAL name has no end of line');
    return text(nl - at + 1).slice(0, -1);
  };
  const memoGet = (i: number): PyValue => {
    if (!memo.has(i)) throw bad(`the pickle reads memo slot ${i}, which was never written`);
    return memo.get(i)!;
  };
  const key = (k: PyValue): PyKey => {
    if (k !== null && typeof k === 'object') throw bad('a dict key is not a string or a number');
    return k;
  };
  const dict = (v: PyValue): Map<PyKey, PyValue> => {
    if (!(v instanceof Map)) throw bad('SETITEM on something that is not a dict');
    return v;
  };
  const list = (v: PyValue): PyValue[] => {
    if (!Array.isArray(v) || Object.isFrozen(v)) throw bad('APPEND on something that is not a list');
    return v;
  };
  const setItems = (d: Map<PyKey, PyValue>, items: PyValue[]): void => {
    if (items.length % 2) throw bad('SETITEMS with an odd number of values');
    for (let i = 0; i < items.length; i += 2) d.set(key(items[i]!), items[i + 1]!);
  };
  const global = (module: string, name: string): PyGlobal => {
    const full = `${module}.${name}`;
    const spec = Object.hasOwn(opts.globals, full) ? opts.globals[full] : undefined;
    if (!spec) {
      throw userError(source, `refused to load: its pickle asks for the Python global ${JSON.stringify(full).slice(1, -1)}, which a state dict never needs and which could run code (nothing was run)`, opts.refusedFix);
    }
    return new PyGlobal(full, spec);
  };
  const int = (v: bigint): number | bigint => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

  for (;;) {
    opAt = at;
    op = bytes[take(1)]!;
    switch (op) {
      case 0x80: { // PROTO
        const v = bytes[take(1)]!;
        if (v < 2 || v > 5) throw bad(`pickle protocol ${v} is not one torch.save writes (2 to 5)`);
        break;
      }
      case 0x95: // FRAME: a length hint only
        take(8);
        break;
      case 0x2e: { // STOP
        if (stack.length !== 1 || marks.length) throw bad(`the pickle ends with ${stack.length} values on its stack, not one`);
        return { value: stack[0]!, end: at };
      }
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(tuple([]));
        break;
      case 0x74: // TUPLE
        stack.push(tuple(popMark()));
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: { // TUPLE3
        stack.push(tuple(Array.from({ length: op - 0x84 }, pop).reverse()));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x61: { // APPEND
        const v = pop();
        list(top()).push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        list(top()).push(...items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x73: { // SETITEM
        const v = pop();
        const k = pop();
        setItems(dict(top()), [k, v]);
        break;
      }
      case 0x75: { // SETITEMS
        const items = popMark();
        setItems(dict(top()), items);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
        stack.push(op === 0x88);
        break;
      case 0x4b: // BININT1
        stack.push(bytes[take(1)]!);
        break;
      case 0x4d: // BININT2
        stack.push(dv.getUint16(take(2), true));
        break;
      case 0x4a: // BININT
        stack.push(dv.getInt32(take(4), true));
        break;
      case 0x8a: { // LONG1: little-endian two's complement of n bytes
        const n = bytes[take(1)]!;
        const from = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[from + i]!);
        stack.push(int(n > 0 ? BigInt.asIntN(8 * n, v) : 0n));
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        stack.push(dv.getFloat64(take(8), false));
        break;
      case 0x58: // BINUNICODE
        stack.push(text(dv.getUint32(take(4), true)));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(bytes[take(1)]!));
        break;
      case 0x71: // BINPUT
        memo.set(bytes[take(1)]!, top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(dv.getUint32(take(4), true), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(memoGet(bytes[take(1)]!));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(dv.getUint32(take(4), true)));
        break;
      case 0x63: { // GLOBAL
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw bad('STACK_GLOBAL without a module and a name');
        stack.push(global(module, name));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const f = pop();
        if (!(f instanceof PyGlobal) || !f.spec.call) throw bad(`REDUCE calls ${f instanceof PyGlobal ? f.name : 'a value'}, which is not callable`);
        if (!Array.isArray(args)) throw bad(`REDUCE passes ${f.name} arguments that are not a tuple`);
        const v = f.spec.call(args);
        if (v !== null && typeof v === 'object') madeBy.set(v, f);
        stack.push(v);
        break;
      }
      case 0x62: { // BUILD
        const state = pop();
        const target = top();
        const maker = target !== null && typeof target === 'object' ? madeBy.get(target) : undefined;
        if (!maker?.spec.build) throw bad(`BUILD sets the state of ${maker ? maker.name : 'a value'} that takes none`);
        maker.spec.build(target, state);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(opts.persistentLoad(pop()));
        break;
      default: {
        const char = op >= 0x20 && op < 0x7f ? ` '${String.fromCharCode(op)}'` : '';
        throw userError(source, `refused to load: pickle opcode 0x${op.toString(16)}${char} at byte ${opAt} is not one a state dict is written with (nothing was run)`, opts.refusedFix);
      }
    }
  }
}
