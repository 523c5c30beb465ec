import type { CliIo } from "./io.js";

/**
 * A progress indicator on stderr: redraws one line on a terminal, prints a line every 10 % otherwise.
 * @example const p = progress(io, "importing"); p(50, 100); p.done()
 */
export function progress(io: CliIo, label: string): ((done: number, total: number) => void) & { done(): void } {
  let lastPct = -1;
  let lastDraw = 0;
  let drawn = false;
  const fn = (done: number, total: number) => {
    const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
    if (io.errIsTTY) {
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      io.err(`\r${label} [${"█".repeat(filled)}${" ".repeat(width - filled)}] ${pct}% ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} rows`);
      drawn = true;
    } else if (total >= 100_000 && Math.floor(pct / 10) > Math.floor(lastPct / 10)) {
      io.err(`${label}: ${pct}% (${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} rows)\n`);
    }
    lastPct = pct;
  };
  return Object.assign(fn, {
    done() {
      if (drawn) io.err("\n");
    },
  });
}
