// Dispatch sizing: how many workgroups cover n invocations, folding into a second grid dimension
// past the 65535-per-dimension limit (kernels rebuild the flat index with the prelude's flat_id).

const MAX_DIM = 65535;

export function grid1d(n: number, wg: number): [number, number] {
  const groups = Math.ceil(n / wg);
  if (groups <= MAX_DIM) return [groups, 1];
  const y = Math.ceil(groups / MAX_DIM);
  return [Math.ceil(groups / y), y];
}
