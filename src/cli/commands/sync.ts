import type { Command } from "commander";
import { loadConnections, selectConnections } from "../../app/connect/manage.js";
import { DEFAULT_DEADLINE_MS, type SyncOptions, syncConnections, syncExitCode } from "../../app/sync/sync.js";
import { parseLookback, parseSince } from "../../app/sync/sync-window.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { exitWith, outputFormat, toJson } from "../options.js";
import { formatCount } from "../render/format.js";
import { renderTable } from "../render/table.js";
import { connectionFiles } from "./connect.js";
import { networkOptions } from "./sync-flags.js";

/** `cpi sync [NAME…]`: pulls daily ad-level spend from the connected platforms into the store. */
export function registerSync(program: Command, io: CliIo): void {
  program
    .command("sync")
    .description("pull daily ad-level spend from the connected ad platforms ('cpi connect add') into the store")
    .argument("[names...]", "connections to sync (default: all)")
    .option("--since <days|date>", "how far back a first sync starts: days up to yesterday (90d) or a date; given on a later sync, it re-pulls from there", undefined)
    .option("--lookback <days>", "days re-pulled before the last synced day, since platforms restate recent days (default Meta 28, others 14)")
    .option("--deadline <duration>", "most time one connection's sync may take", `${DEFAULT_DEADLINE_MS / 60_000}m`)
    .option("--request-timeout <duration>", "longest wait for one answer from a platform", "120s")
    .option("--format <format>", "table or json (one object per account)", "table")
    .option("--connections <path>", "the connections file (default: beside the store, cpi.duckdb → cpi.connections.json; or $CPI_CONNECTIONS)")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText(
      "after",
      `
Each account's window (up to yesterday in its own time zone) replaces what the store held for that
source and account over those dates, in one transaction, as re-importing a report does. An account
that fails is left exactly as it was; the others still land.

Exit codes: 0 every account synced; 3 some accounts failed (the others landed); 2 a connection's
credentials were refused or it is misconfigured (fix it: the message says how); 1 a bug.

Examples:
  $ cpi sync
  $ cpi sync acme-google --since 2026-01-01
  $ cpi sync acme-meta --lookback 7 --format json`,
    )
    .action(async (names: string[], o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const opts: SyncOptions = {
        ...networkOptions({ deadline: o.deadline, requestTimeout: o.requestTimeout }, io),
        names,
        ...(o.since !== undefined ? { since: parseSince(o.since) } : {}),
        ...(o.lookback !== undefined ? { lookback: parseLookback(o.lookback) } : {}),
      };
      const files = connectionFiles(o, io);
      // Unknown names or no connections are said before the store is opened (or created).
      selectConnections(await loadConnections(files), names, files.path);
      const accounts = await withStore(o, io, "write", (store) => syncConnections(store, files, opts));
      if (format === "json") io.out(toJson(accounts));
      else {
        io.out(
          renderTable(
            ["Connection", "Account", "Window", "Rows", "Replaced", "API calls", "Seconds", "Result"],
            accounts.map((a) => [a.connection, a.account, a.from ? `${a.from}..${a.to}` : "", formatCount(a.rows), formatCount(a.replaced_rows), String(a.api_calls), a.seconds.toFixed(1), a.error ?? "ok"]),
            new Set([3, 4, 5, 6]),
          ),
        );
      }
      const code = syncExitCode(accounts);
      const failed = accounts.filter((a) => a.error !== null).length;
      io.err(`sync: ${accounts.length - failed} of ${accounts.length} account${accounts.length === 1 ? "" : "s"} synced${failed ? `, ${failed} failed (exit ${code})` : ""}\n`);
      if (code !== 0) exitWith(code);
    });
}
