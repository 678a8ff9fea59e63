// Every problem with safetensors input, output or files is a one-line SafetensorsError naming the
// file (or the call), the problem and the fix: never a crash deep inside a typed array or JSON.

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const CORRUPT = 'the file is truncated, corrupt or not safetensors: re-export or re-download it';

/** Throws `source: problem; fix`; the fix defaults to that for a damaged file. */
export function fail(source: string, problem: string, fix = CORRUPT): never {
  throw new SafetensorsError(`${source}: ${problem}; ${fix}`);
}

/** A value for a one-line message: JSON (never has raw newlines), cut short. */
export function show(v: unknown, max = 80): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** A tensor name, quoted and escaped (names may hold newlines). */
export const quote = (key: string): string => show(key, 160);

/** A shape as `[2, 3]`; anything that is not an array as its JSON. */
export const showShape = (shape: readonly number[]): string => (Array.isArray(shape) ? `[${shape.join(', ')}]` : show(shape));
