import type { Command } from "commander";
import { addContract, listContracts, removeContract } from "../../app/track/contracts.js";
import { microsToUnits } from "../../domain/money.js";
import type { Contract } from "../../domain/tracking/contract.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { outputFormat, toJson } from "../options.js";
import { formatMoney } from "../render/format.js";
import { renderTable } from "../render/table.js";


function price(c: Contract): string {
  const m = formatMoney(microsToUnits(c.amount), c.currency, 2);
  return c.pricing === "flat" ? `${m} flat` : `${m} ${c.pricing.toUpperCase()}`;
}

function table(cs: Contract[]): string {
  return renderTable(
    ["Id", "Campaign", "Placement", "Price", "From", "To", "Time zone"],
    cs.map((c) => [String(c.id), c.campaign, c.placement || "(every placement)", price(c), c.from, c.to, c.timezone]),
    new Set([0, 3]),
  );
}

/** `cpi contract add|list|remove`: what direct buys cost, so tracked impressions get a cost. */
export function registerContract(program: Command, io: CliIo): void {
  const contract = program.command("contract").description("what direct buys cost (flat fee, CPM or CPC over a flight), pricing tracked impressions");
  contract
    .command("add")
    .description("record a buy: exactly one of --flat, --cpm, --cpc")
    .requiredOption("--campaign <name>", "campaign, as the tracking pixel names it (c=)")
    .option("--placement <name>", "placement (p=); omit to cover every placement of the campaign")
    .option("--flat <amount>", "a flat fee for the whole flight, spread over its counted impressions")
    .option("--cpm <amount>", "price per 1000 counted impressions")
    .option("--cpc <amount>", "price per counted click")
    .option("--currency <code>", "ISO-4217 currency", "USD")
    .requiredOption("--from <date>", "first day of the flight (YYYY-MM-DD), inclusive")
    .requiredOption("--to <date>", "last day of the flight (YYYY-MM-DD), inclusive")
    .option("--timezone <zone>", "IANA zone the flight's days are in", "UTC")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText(
      "after",
      `
Examples:
  $ cpi contract add --campaign "Launch Q4" --placement news-site --flat 5000 --from 2026-10-01 --to 2026-10-31
  $ cpi contract add --campaign "Launch Q4" --placement sports-site --cpm 10 --currency EUR --from 2026-10-01 --to 2026-10-31 --timezone Europe/Berlin
  $ cpi contract add --campaign "Retargeting" --cpc 0.5 --from 2026-11-01 --to 2026-11-30`,
    )
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const c = await withStore(o, io, "write", (s) => addContract(s, o));
      if (format === "json") io.out(toJson(c));
      else io.out(table([c]));
    });
  contract
    .command("list")
    .description("every contract")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText("after", "\nExamples:\n  $ cpi contract list\n  $ cpi contract list --format json")
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const cs = await withStore(o, io, "read", (s) => listContracts(s));
      if (format === "json") io.out(toJson(cs));
      else io.out(table(cs));
    });
  contract
    .command("remove")
    .description("remove a contract by id")
    .argument("<id>", "the contract's id ('cpi contract list')")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText("after", "\nExamples:\n  $ cpi contract remove 3")
    .action(async (id: string, o) => {
      await withStore(o, io, "write", (s) => removeContract(s, Number(id)));
      io.err(`removed contract ${id}\n`);
    });
}
