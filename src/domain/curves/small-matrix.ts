/** A small dense matrix as rows of numbers. */
export type Matrix = number[][];

/**
 * Solves A·x = b for a small square A by Gaussian elimination with partial pivoting; null if singular.
 * @example solveLinear([[2, 0], [0, 4]], [2, 8]) // [1, 2]
 */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] ?? 0]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]?.[c] ?? 0) > Math.abs(m[p]?.[c] ?? 0)) p = r;
    const pivotRow = m[p] as number[];
    const pivot = pivotRow[c] ?? 0;
    if (!(Math.abs(pivot) > 1e-300)) return null;
    [m[c], m[p]] = [pivotRow, m[c] as number[]];
    const rowC = m[c] as number[];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const row = m[r] as number[];
      const f = (row[c] ?? 0) / pivot;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) row[k] = (row[k] ?? 0) - f * (rowC[k] ?? 0);
    }
  }
  return m.map((row, i) => (row[n] ?? 0) / (row[i] ?? 1));
}

/**
 * Inverse of a small square matrix, or null if it is singular.
 * @example invertMatrix([[2, 0], [0, 4]]) // [[0.5, 0], [0, 0.25]]
 */
export function invertMatrix(a: readonly (readonly number[])[]): Matrix | null {
  const n = a.length;
  const cols: number[][] = [];
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const col = solveLinear(a, e);
    if (!col) return null;
    cols.push(col);
  }
  return Array.from({ length: n }, (_, i) => cols.map((col) => col[i] ?? 0));
}

/**
 * The quadratic form gᵀ·A·g.
 * @example quadraticForm([[1, 0], [0, 2]], [1, 1]) // 3
 */
export function quadraticForm(a: readonly (readonly number[])[], g: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) s += (g[i] ?? 0) * (a[i]?.[j] ?? 0) * (g[j] ?? 0);
  return s;
}
