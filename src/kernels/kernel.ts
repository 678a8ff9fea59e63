// The contract of a kernel entry point: its shader and entry, its uniform struct's fields (names, order,
// WGSL types), its read-only and read-write storage bindings (names, in binding order) and the override
// constants a launch may set. One typed declaration per entry point, exported by its launcher module as
// `kernels`; call sites pass named objects, and the declaration is checked against its WGSL text before
// its first pipeline is built, so a reordered field or a binding that moved fails loudly instead of
// silently misreading.
//
// Binding convention: 0 = the uniform struct (dynamic offset), then the reads, then the writes.

/** WGSL types a uniform field may have; vec2u carries a float64 as two u32 words. */
export type ParamType = 'u32' | 'i32' | 'f32' | 'vec2u';
export type ParamValue<T extends ParamType> = T extends 'vec2u' ? readonly [number, number] : number;

export interface Kernel<P extends Record<string, ParamType> = Record<string, ParamType>, R extends string = string, W extends string = string, O extends string = string> {
  /** shaders/<shader>.wgsl */
  readonly shader: string;
  readonly entry: string;
  /** The uniform struct's name in the WGSL. */
  readonly uniform: string;
  readonly params: P;
  readonly reads: readonly R[];
  readonly writes: readonly W[];
  /** `override` constants (the prelude's ACT included) a launch may set. */
  readonly overrides: readonly O[];
}

export function kernel<const P extends Record<string, ParamType>, const R extends string = never, const W extends string = never, const O extends string = never>(decl: {
  shader: string;
  entry?: string;
  uniform?: string;
  params: P;
  reads?: readonly R[];
  writes: readonly W[];
  overrides?: readonly O[];
}): Kernel<P, R, W, O> {
  return {
    shader: decl.shader,
    entry: decl.entry ?? 'main',
    uniform: decl.uniform ?? 'Params',
    params: decl.params,
    reads: decl.reads ?? [],
    writes: decl.writes,
    overrides: decl.overrides ?? [],
  };
}

export const kernelName = (k: Pick<Kernel, 'shader' | 'entry'>): string => (k.entry === 'main' ? k.shader : `${k.shader}.${k.entry}`);

// ---- the uniform struct's bytes ---------------------------------------------------------------------------

/** Byte offset of each field under WGSL's uniform layout (4-byte scalars, 8-byte-aligned vec2). */
function layout(params: Record<string, ParamType>): { name: string; type: ParamType; word: number }[] {
  let at = 0;
  return Object.entries(params).map(([name, type]) => {
    if (type === 'vec2u') at = Math.ceil(at / 2) * 2;
    const field = { name, type, word: at };
    at += type === 'vec2u' ? 2 : 1;
    return field;
  });
}

const layouts = new WeakMap<object, ReturnType<typeof layout>>();
const scratch = new ArrayBuffer(256);
const words = new Uint32Array(scratch);
const ints = new Int32Array(scratch);
const floats = new Float32Array(scratch);

/**
 * The uniform's u32 words for one launch (a view of a scratch buffer: copy it before the next call).
 * Each value is stored as its declared type, so floats need no bit tricks at the call site.
 */
export function encodeParams<P extends Record<string, ParamType>>(k: Kernel<P>, values: { readonly [F in keyof P]: ParamValue<P[F]> }): Uint32Array {
  let fields = layouts.get(k.params);
  if (!fields) layouts.set(k.params, (fields = layout(k.params)));
  const v = values as Record<string, number | readonly [number, number]>;
  let end = 0;
  for (const f of fields) {
    words.fill(0, end, f.word); // alignment padding
    const x = v[f.name];
    if (x === undefined) throw new Error(`${kernelName(k)}: param ${f.name} is missing`);
    if (f.type === 'vec2u') {
      const [a, b] = x as readonly [number, number];
      words[f.word] = a;
      words[f.word + 1] = b;
      end = f.word + 2;
      continue;
    }
    if (f.type === 'f32') floats[f.word] = x as number;
    else if (f.type === 'i32') ints[f.word] = x as number;
    else words[f.word] = x as number;
    end = f.word + 1;
  }
  return words.subarray(0, end);
}

// ---- the check against the WGSL text ---------------------------------------------------------------------

const stripComments = (s: string): string => s.replace(/\/\/[^\n]*/g, '');

/**
 * Problems of a declaration against its shader source (`prelude` holds overrides every shader has);
 * empty when they agree.
 */
export function contractProblems(k: Kernel, source: string, prelude = ''): string[] {
  const src = stripComments(source);
  const problems: string[] = [];
  if (!new RegExp(`@compute[^;{]*\\bfn\\s+${k.entry}\\s*\\(`).test(src)) problems.push(`no @compute fn ${k.entry}`);

  const struct = new RegExp(`\\bstruct\\s+${k.uniform}\\s*\\{([^}]*)\\}`).exec(src);
  if (!struct) problems.push(`no struct ${k.uniform}`);
  else {
    const fields = struct[1]!.split(',').map((f) => f.trim()).filter(Boolean).map((f) => f.split(':').map((s) => s.trim()) as [string, string]);
    const want = Object.entries(k.params);
    const show = (fs: readonly (readonly [string, string])[]) => fs.map(([n, t]) => `${n}: ${t}`).join(', ');
    if (fields.length !== want.length || fields.some(([n, t], i) => n !== want[i]![0] || t !== want[i]![1])) {
      problems.push(`struct ${k.uniform} is { ${show(fields)} }, declared { ${show(want)} }`);
    }
  }
  const vars = [...src.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var(?:<([^>]*)>)?\s+(\w+)\s*:\s*([\w<>, ]+?)\s*;/g)].map((m) => ({
    binding: Number(m[1]), space: (m[2] ?? '').replace(/\s/g, ''), name: m[3]!, type: m[4]!,
  }));
  if (!vars.some((v) => v.binding === 0 && v.space === 'uniform' && v.type === k.uniform)) problems.push(`no var<uniform> of type ${k.uniform} at binding 0`);
  const expect = [...k.reads.map((name) => ({ name, space: 'storage,read' })), ...k.writes.map((name) => ({ name, space: 'storage,read_write' }))];
  expect.forEach((e, i) => {
    const at = vars.filter((v) => v.binding === i + 1);
    if (!at.some((v) => v.name === e.name && v.space === e.space)) {
      problems.push(`binding ${i + 1} should be var<${e.space.replace(',', ', ')}> ${e.name}; the shader has ${at.map((v) => `var<${v.space.replace(',', ', ')}> ${v.name}`).join(' or ') || 'nothing'} there`);
    }
  });
  const overrides = new Set([...stripComments(prelude + '\n' + source).matchAll(/\boverride\s+(\w+)/g)].map((m) => m[1]!));
  for (const o of k.overrides) if (!overrides.has(o)) problems.push(`no override ${o}`);
  return problems;
}

const checked = new WeakSet<Kernel>();

/** Throws unless the declaration matches its WGSL (once per declaration). */
export function checkContract(k: Kernel, source: string, prelude: string): void {
  if (checked.has(k)) return;
  const problems = contractProblems(k, source, prelude);
  if (problems.length) throw new Error(`kernel ${kernelName(k)} does not match shaders/${k.shader}.wgsl: ${problems.join('; ')}`);
  checked.add(k);
}
