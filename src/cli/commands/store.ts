import type { Command } from "commander";
import { UserError } from "../../domain/errors.js";
import { clickhouseUrl, unlockClickHouse } from "../compose.js";
import type { CliIo } from "../io.js";
import { outputFormat, toJson } from "../options.js";

/** `cpi store unlock`: frees a ClickHouse store's import lock whose holder is gone, once confirmed. */
export function registerStore(program: Command, io: CliIo): void {
  const store = program.command("store").description("the store itself: free a ClickHouse store's import lock left by a process that is gone");
  store
    .command("unlock")
    .description("say who holds the import lock; with --confirm TOKEN, free it (for a holder that is gone)")
    .option("--confirm <token>", "the holder's token that a first 'cpi store unlock' printed: frees exactly that holder's lock")
    .option("--format <format>", "table or json", "table")
    .option("--store <url>", "ClickHouse store, clickhouse://user:password@host:8123/database (or $CPI_STORE)")
    .addHelpText(
      "after",
      `
Imports (and 'cpi init --vacuum') on ClickHouse take a store-wide lock. A holder whose heartbeat has
stopped is taken over by the next importer after 10 minutes (2 when it never wrote one, or at once
when it ran on the same machine and its process is gone); this frees it now. Run it once to see the
holder, then again with --confirm and the token it printed. A holder that is in fact still running
fails before its commit: nothing of its import becomes visible.

Examples:
  $ cpi store unlock --store clickhouse://cpi:secret@db1:8123/ads
  $ cpi store unlock --store clickhouse://cpi:secret@db1:8123/ads --confirm import_lock_held_3f2a9c0d1e4b5a67`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const url = clickhouseUrl(o, io);
      if (url === null) throw new UserError("bad_flag", "cpi store unlock works on a ClickHouse store (--store URL or $CPI_STORE): a DuckDB file is locked only while a process has it open");
      const r = await unlockClickHouse(url, o.confirm ?? null);
      if (format === "json") {
        const h = r.holder;
        io.out(toJson({ server: r.server, held: h !== null, freed: r.freed, holder: h && { token: h.table, host: h.host, pid: h.pid, started: h.started, silent_seconds: h.silentFor } }));
        return;
      }
      const h = r.holder;
      if (!h) io.err(`the import lock of ${r.server} is free\n`);
      else if (r.freed) io.err(`freed the import lock of ${r.server} held by ${describe(h)}\n`);
      else {
        io.err(`the import lock of ${r.server} is held by ${describe(h)}\n`);
        throw new UserError("confirm_unlock", `if that process is gone, free the lock with: cpi store unlock --store '${r.shownUrl}' --confirm ${h.table}`);
      }
    });
}

function describe(h: { table: string; host: string; pid: number; started: string; silentFor: number | null }): string {
  const who = h.host ? `${h.host} pid ${h.pid}, started ${h.started}` : "an unknown process";
  return `${who} (token ${h.table}; ${h.silentFor === null ? "no heartbeat" : `last heartbeat ${h.silentFor} s ago`})`;
}
