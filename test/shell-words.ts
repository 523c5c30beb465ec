// Command lines of the docs, split into words as a POSIX shell would: tests that run what a page shows.

/** Words as a POSIX shell splits them: quotes, and $VAR / ${VAR} outside single quotes. */
export function shellWords(line: string, env: Record<string, string> = {}): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === "$" && quote !== "'") {
      const v = /^\$(?:\{(\w+)\}|(\w+))/.exec(line.slice(i));
      if (v) {
        cur += env[(v[1] ?? v[2]) as string] ?? "";
        i += v[0].length - 1;
        started = true;
        continue;
      }
    }
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || cur) out.push(cur);
      cur = "";
      started = false;
    } else cur += ch;
  }
  if (started || cur) out.push(cur);
  return out;
}
