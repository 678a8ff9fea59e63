// Reference of the GPU pair sort: a comparison sort by descending key, ties by ascending index.

/** The indices in the order sortPairs leaves them. */
export function sortPairs(keys: ArrayLike<number>, indices: ArrayLike<number>): number[] {
  return Array.from(indices, (_, i) => i)
    .sort((a, b) => keys[b]! - keys[a]! || indices[a]! - indices[b]!)
    .map((i) => indices[i]!);
}
