/** Edit distance between two strings (insertions, deletions, substitutions), by one row of the table. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

const folded = (s: string) => s.trim().toLowerCase().replace(/[\s_-]+/g, "-");

/**
 * The `n` existing values nearest to one that matched nothing: by edit distance after folding case and
 * "_"/"-"/space, a value containing the other first; ties in alphabetical order.
 * @example closestValues("google_ads", ["meta", "google-ads", "linkedin"], 2) // ["google-ads", "meta"]
 */
export function closestValues(wanted: string, existing: readonly string[], n = 5): string[] {
  const w = folded(wanted);
  const score = (v: string) => {
    const f = folded(v);
    return f.includes(w) || w.includes(f) ? Math.abs(f.length - w.length) * 0.01 : editDistance(w, f);
  };
  return [...new Set(existing)]
    .filter((v) => v !== "")
    .map((v) => ({ v, s: score(v) }))
    .sort((a, b) => a.s - b.s || (a.v < b.v ? -1 : a.v > b.v ? 1 : 0))
    .slice(0, n)
    .map((x) => x.v);
}
