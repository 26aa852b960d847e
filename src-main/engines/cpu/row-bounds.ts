/**
 * Per-worker views of a projection's rows (threads, partition.ts). The compiler fills each
 * row in draw order, which for every rule but explicit pairs is ascending target order; a
 * worker that owns targets [lo, hi) then finds its connections of a row as one contiguous
 * run by binary search, and visits them in row order — the one-thread order per target.
 */
import type { Csr } from '../../compiler/plan.js';

/** Whether every row lists its targets in non-decreasing order. */
export function rowsSortedByTarget(csr: Csr): boolean {
  const { ptr, idx } = csr;
  const rows = ptr.length - 1;
  for (let r = 0; r < rows; r++) {
    for (let c = ptr[r]! + 1, e = ptr[r + 1]!; c < e; c++) if (idx[c]! < idx[c - 1]!) return false;
  }
  return true;
}

/** For each row of sorted `csr`, the first connection whose target is ≥ `target`. */
export function rowBounds(csr: Csr, target: number): Int32Array {
  const { ptr, idx } = csr;
  const rows = ptr.length - 1;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let a = ptr[r]!;
    let b = ptr[r + 1]!;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (idx[m]! < target) a = m + 1; else b = m;
    }
    out[r] = a;
  }
  return out;
}
