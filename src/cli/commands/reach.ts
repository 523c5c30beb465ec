import type { Command } from "commander";
import { reachReport } from "../../app/planning/index.js";
import { requireAmount } from "../../domain/cost-efficiency.js";
import { UserError } from "../../domain/errors.js";
import { parseDimensionList, requireTimeZone } from "../../domain/query.js";
import type { PairOverlap } from "../../domain/reach/index.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, outputFormat, toJson } from "../options.js";
import { formatPercent } from "../render/format.js";
import { renderTable } from "../render/table.js";
import { num, selectionFrom } from "./planning-options.js";

function overlap(text: string): PairOverlap {
  const m = /^(.+?)\+(.+?)=(\d+)$/.exec(text.trim());
  if (!m) throw new UserError("bad_overlap", `--overlap '${text}' is not A+B=PEOPLE (e.g. "meta campaign X+tracked=1200")`);
  return { a: (m[1] as string).trim(), b: (m[2] as string).trim(), both: Number(m[3]) };
}

/** `cpi reach`: unique people reached, frequency, and deduplication across channels. */
export function registerReach(program: Command, io: CliIo): void {
  program
    .command("reach")
    .description("unique reach, frequency distribution, k+ reach and cost per thousand reached; platform reach; deduplicated reach across channels")
    .option("--by <dimensions>", "dimensions of tracked reach (campaign, placement, ad, day, …)", "campaign")
    .option("--campaign <name>", "only this campaign")
    .option("--where <filter>", "DIM=VALUE (repeatable); without a source filter, tracked events", collect, [])
    .option("--from <date>", "first day")
    .option("--to <date>", "last day")
    .option("--timezone <tz>", "days of tracked events are taken in this zone (default UTC)")
    .option("--audience <people>", "size of the target audience: caps the cross-channel estimate")
    .option("--overlap <a+b=people>", "a measured overlap between two channels (repeatable)", collect, [])
    .option("--currency <code>", "convert costs to this currency")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText("after", '\nExamples:\n  $ cpi reach --by campaign\n  $ cpi reach --by placement --campaign "Launch Q4" --audience 2000000 --format json')
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const sel = selectionFrom({ ...o, by: "source" });
      const r = await withStore(o, io, "read", (s) =>
        reachReport(s, {
          by: parseDimensionList(o.by),
          filters: sel.filters,
          ...(sel.from ? { from: sel.from } : {}),
          ...(sel.to ? { to: sel.to } : {}),
          ...(sel.currency ? { currency: sel.currency } : {}),
          ...(o.timezone ? { timezone: requireTimeZone(o.timezone) } : {}),
          ...(o.audience ? { audience: requireAmount(o.audience, "--audience", true) } : {}),
          overlaps: (o.overlap as string[]).map(overlap),
        }),
      );
      for (const w of r.warnings) io.err(`note: ${w}\n`);
      if (format === "json") {
        io.out(toJson(r));
        return;
      }
      if (r.tracked.length) {
        io.out(`First-party reach (${r.errorBound.note}):\n`);
        io.out(
          renderTable(
            [...r.dimensions, "Impressions", "Reach", "Avg freq", "1+", "2+", "3+", "10+", "Cost / 1000 reached"],
            r.tracked.map((t) => [...t.keys, num(t.impressions), num(t.reach), num(t.average_frequency, 2), num(t.k_plus["1+"]), num(t.k_plus["2+"]), num(t.k_plus["3+"]), num(t.k_plus["10+"]), num(t.cost_per_thousand_reached, 2)]),
            new Set(Array.from({ length: 8 }, (_, i) => r.dimensions.length + i)),
          ),
        );
        const labels = r.tracked[0]?.frequency.map((b) => b.label) ?? [];
        io.out("\nFrequency distribution (people who saw it n times):\n");
        io.out(renderTable([...r.dimensions, ...labels], r.tracked.map((t) => [...t.keys, ...t.frequency.map((b) => num(b.people))]), new Set(labels.map((_, i) => r.dimensions.length + i))));
        if (r.tracked.length > 1 && r.trackedTotal !== null) io.out(`All tracked rows together: ${num(r.trackedTotal)} people (counted once each, not the sum of the rows)\n`);
      }
      if (r.platform.length) {
        io.out("\nPlatform-reported reach (at its own level and window; never summed):\n");
        io.out(renderTable(["Source", "Level", "Campaign", "Window", "Reach", "Impressions", "Frequency"], r.platform.map((p) => [p.source, p.level, p.campaign, `${p.from}..${p.to}`, num(p.reach), num(p.impressions), num(p.frequency, 2)]), new Set([4, 5, 6])));
      }
      if (r.combined) {
        const c = r.combined;
        io.out(`\nAcross channels: ${c.estimate === null ? "no point estimate without --audience" : `≈ ${num(c.estimate)} people (${c.method})`}; honest range ${num(c.low)} … ${num(c.high)}${c.method === "single-channel" ? "" : ` (largest channel … plain sum${c.high < c.plainSum ? ", capped by the audience" : ""})`}${c.estimate !== null && c.plainSum > 0 ? `, duplication ${formatPercent(1 - c.estimate / c.plainSum)}` : ""}\n`);
        for (const w of c.warnings) io.err(`note: ${w}\n`);
      }
    });
}
