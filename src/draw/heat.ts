// Diverging colours for weighted-mask values in [-1, 1]: blue (-1) → near-white (0) → red (1).
// Shared by the mask overlays of masks.js and the browser page.

const [BLUE, WHITE, RED] = [[59, 76, 192], [235, 235, 235], [180, 4, 38]] as const;

/** [r, g, b] bytes for a mask value (clamped to [-1, 1]). */
export function heat(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, (v + 1) / 2));
  const [a, b, u] = t < 0.5 ? [BLUE, WHITE, t * 2] : [WHITE, RED, t * 2 - 1];
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * u)) as [number, number, number];
}
