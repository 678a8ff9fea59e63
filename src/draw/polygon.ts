// Anti-aliased shapes on grey byte images: a polygon filled by its area coverage (even–odd rule)
// or a polyline stroked at a width gives a coverage mask over the shape's bounding box, and paint()
// blends a tone into the image by it. Pixel (x, y) is the unit square centred on (x, y); points are
// flat [x0, y0, x1, y1, …] in pixels; shapes may reach outside the image, which cuts them.

/** Coverage (0 = none, 1 = full) of the pixels of a box, row by row. */
export interface Mask {
  /** The box's top-left pixel. */
  x0: number;
  y0: number;
  w: number;
  h: number;
  a: Float32Array;
}

/**
 * Scratch memory that masks are carved from: a fresh typed array per shape made allocation and
 * garbage collection a large share of the face generator's time. clear() starts over, so the masks
 * made before it must no longer be used.
 */
export class MaskArena {
  private buffer = new Float32Array(1 << 18);
  private used = 0;

  clear(): void {
    this.used = 0;
  }

  /** An empty mask over the pixels that [minX, maxX] × [minY, maxY] touches, cut to a width × height image. */
  mask(minX: number, minY: number, maxX: number, maxY: number, width: number, height: number): Mask {
    const x0 = Math.max(0, Math.floor(minX)), y0 = Math.max(0, Math.floor(minY));
    const w = Math.max(0, Math.min(width - 1, Math.ceil(maxX)) - x0 + 1), h = Math.max(0, Math.min(height - 1, Math.ceil(maxY)) - y0 + 1);
    if (this.used + w * h > this.buffer.length) (this.buffer = new Float32Array(2 * (this.used + w * h))), (this.used = 0);
    const a = this.buffer.subarray(this.used, this.used + w * h).fill(0);
    this.used += w * h;
    return { x0, y0, w, h, a };
  }
}

/** [minX, minY, maxX, maxY] of flat points. */
export function bounds(pts: ArrayLike<number>): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < pts.length; i += 2) {
    minX = Math.min(minX, pts[i]!), maxX = Math.max(maxX, pts[i]!);
    minY = Math.min(minY, pts[i + 1]!), maxY = Math.max(maxY, pts[i + 1]!);
  }
  return [minX, minY, maxX, maxY];
}

/**
 * Area coverage of a polygon (even–odd): exact across each row, 4 sub-rows down. Each edge drops its
 * crossings into the sub-rows it spans (one pass over the edges, not one per sub-row).
 */
export function fillPolygon(arena: MaskArena, poly: readonly number[], width: number, height: number): Mask {
  const [minX, minY, maxX, maxY] = bounds(poly);
  const m = arena.mask(minX, minY, maxX, maxY, width, height);
  const n = poly.length / 2, rows = m.h * 4;
  // Sub-row k samples y = y0 − 3/8 + k/4; an edge from ya to yb crosses the sub-rows with ya ≤ y < yb.
  const sub = (y: number): number => Math.min(rows, Math.max(0, Math.ceil((y - m.y0 + 0.375) * 4)));
  const edges = (visit: (k: number, x: number) => void): void => {
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xa = poly[2 * j]!, ya = poly[2 * j + 1]!, xb = poly[2 * i]!, yb = poly[2 * i + 1]!;
      if (ya === yb) continue;
      const slope = (xb - xa) / (yb - ya);
      for (let k = sub(Math.min(ya, yb)); k < sub(Math.max(ya, yb)); k++) visit(k, xa + (m.y0 - 0.375 + k / 4 - ya) * slope);
    }
  };
  // Crossings bucketed by sub-row in flat typed arrays: counts, offsets, then the values (no per-row
  // arrays and no Array.sort, whose allocations dominated the generator's time).
  const start = new Int32Array(rows + 1);
  edges((k) => start[k + 1]!++);
  for (let k = 0; k < rows; k++) start[k + 1]! += start[k]!;
  const xs = new Float64Array(start[rows]!), fill = start.slice(0, rows);
  edges((k, x) => (xs[fill[k]!++] = x));
  const last = m.x0 + m.w - 1;
  for (let k = 0; k < rows; k++) {
    const from = start[k]!, to = start[k + 1]!, base = (k >> 2) * m.w - m.x0;
    for (let i = from + 1; i < to; i++) {
      const v = xs[i]!;
      let j = i - 1;
      for (; j >= from && xs[j]! > v; j--) xs[j + 1] = xs[j]!;
      xs[j + 1] = v;
    }
    for (let c = from; c + 1 < to; c += 2) {
      // Pixel x spans [x − ½, x + ½]: partial cover at the span's two end pixels, full in between.
      const xa = xs[c]!, xb = xs[c + 1]!, ia = Math.round(xa), ib = Math.round(xb);
      if (ia === ib) {
        if (ia >= m.x0 && ia <= last) m.a[base + ia]! += (xb - xa) / 4;
        continue;
      }
      if (ia >= m.x0 && ia <= last) m.a[base + ia]! += (ia + 0.5 - xa) / 4;
      if (ib >= m.x0 && ib <= last) m.a[base + ib]! += (xb - ib + 0.5) / 4;
      for (let x = Math.max(m.x0, ia + 1); x <= Math.min(last, ib - 1); x++) m.a[base + x]! += 0.25;
    }
  }
  return m;
}

/**
 * Coverage of a polyline of the given width, from each pixel centre's distance to the line: the max
 * over its segments, so joints do not double up.
 */
export function strokePolyline(arena: MaskArena, pts: readonly number[], lineWidth: number, width: number, height: number): Mask {
  const r = lineWidth / 2;
  const [minX, minY, maxX, maxY] = bounds(pts);
  const m = arena.mask(minX - r - 1, minY - r - 1, maxX + r + 1, maxY + r + 1, width, height);
  const n = pts.length / 2;
  for (let i = 0; i + 1 < n; i++) {
    const ax = pts[2 * i]!, ay = pts[2 * i + 1]!, bx = pts[2 * i + 2]!, by = pts[2 * i + 3]!;
    const dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy || 1e-12;
    const xa = Math.max(m.x0, Math.floor(Math.min(ax, bx) - r - 1)), xb = Math.min(m.x0 + m.w - 1, Math.ceil(Math.max(ax, bx) + r + 1));
    const ya = Math.max(m.y0, Math.floor(Math.min(ay, by) - r - 1)), yb = Math.min(m.y0 + m.h - 1, Math.ceil(Math.max(ay, by) + r + 1));
    const reach2 = (r + 0.5) * (r + 0.5);
    for (let y = ya; y <= yb; y++) {
      for (let x = xa; x <= xb; x++) {
        const t = Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2));
        const ex = x - ax - t * dx, ey = y - ay - t * dy, d2 = ex * ex + ey * ey;
        if (d2 >= reach2) continue;
        const c = Math.min(1, r + 0.5 - Math.sqrt(d2));
        const o = (y - m.y0) * m.w + x - m.x0;
        if (c > m.a[o]!) m.a[o] = c;
      }
    }
  }
  return m;
}

/** Blends `tone` into `img` (width pixels a row) by the mask's coverage, times `clip`'s coverage where given. */
export function paint(img: Uint8ClampedArray, width: number, m: Mask, tone: number, clip?: Mask): void {
  for (let y = 0; y < m.h; y++) {
    for (let x = 0; x < m.w; x++) {
      let c = m.a[y * m.w + x]!;
      if (c <= 0) continue;
      if (clip) {
        const cx = m.x0 + x - clip.x0, cy = m.y0 + y - clip.y0;
        c *= cx >= 0 && cy >= 0 && cx < clip.w && cy < clip.h ? clip.a[cy * clip.w + cx]! : 0;
      }
      const o = (m.y0 + y) * width + m.x0 + x;
      img[o]! += (tone - img[o]!) * Math.min(1, c);
    }
  }
}
