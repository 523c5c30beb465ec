import type { Command } from "commander";
import { migrateStore } from "../../app/migrate.js";
import { UserError } from "../../domain/errors.js";
import { clickhouseUrl, initClickHouse, withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { collect, outputFormat, toJson } from "../options.js";
import { formatCount } from "../render/format.js";
import { renderTable } from "../render/table.js";

/** `cpi migrate`: copies a DuckDB store into ClickHouse and verifies the totals. */
export function registerMigrate(program: Command, io: CliIo): void {
  program
    .command("migrate")
    .description("copy a store into ClickHouse (spend, platform reach, FX rates, contracts, events), verifying totals")
    .requiredOption("--from <path>", "the DuckDB store file to copy")
    .requiredOption("--to <url>", "the ClickHouse store, clickhouse://user:password@host:8123/database (created if needed)")
    .option("--cluster <name>", "create the target schema over this cluster (see cpi init)")
    .option("--node <url>", "another server of the cluster (repeatable; see cpi init)", collect, [])
    .option("--format <format>", "table or json", "table")
    .addHelpText(
      "after",
      `
The target must be empty. Imports are replayed oldest first, so re-import replacements come out as in
the source; the event logs' loaded offsets are carried across, so 'cpi serve --store' on the target
does not load a log twice. If it stops part-way (a server down), it says so and the same command
resumes it. It fails (exit 2) if any total differs afterwards, leaving the target as copied.

Examples:
  $ cpi migrate --from ./cpi.duckdb --to clickhouse://cpi:secret@db1:8123/ads
  $ cpi migrate --from ./cpi.duckdb --to clickhouse://cpi:secret@db1:8123/ads --cluster ads --node clickhouse://cpi:secret@db2:8123`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const url = clickhouseUrl({ store: o.to }, io);
      if (url === null) throw new UserError("bad_flag", "--to must be a ClickHouse URL");
      await initClickHouse(url, o.cluster ?? null, o.node as string[]);
      const r = await withStore({ db: o.from }, io, "read", (from) =>
        withStore({ store: url }, io, "write", (to) =>
          migrateStore(from, to, (step, done, total) => {
            if (io.errIsTTY) io.err(`\r${step} ${done}/${total}`);
          }),
        ),
      );
      if (io.errIsTTY) io.err("\n");
      if (format === "json") {
        io.out(toJson(r));
        return;
      }
      io.out(
        renderTable(
          ["Currency", "Rows", "Cost (micros)", "Impressions", "Clicks"],
          r.totals.spend.map((s) => [s.currency, formatCount(s.rows), s.cost.toString(), formatCount(s.impressions), formatCount(s.clicks)]),
          new Set([1, 2, 3, 4]),
        ),
      );
      const events = Object.values(r.totals.events).reduce((a, b) => a + b, 0);
      io.err(
        `copied ${r.imports} imports, ${formatCount(r.totals.reachRows)} reach rows, ${r.totals.fxRates} FX rates, ${r.totals.contracts} contracts, ${formatCount(events)} events, ${formatCount(r.totals.invalid)} invalid requests; totals verified\n`,
      );
    });
}
