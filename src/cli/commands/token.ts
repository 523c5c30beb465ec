import type { Command } from "commander";
import { createApiToken, listApiTokens, revokeApiToken } from "../../app/api-tokens.js";
import { withStore } from "../compose.js";
import type { CliIo } from "../io.js";
import { outputFormat, toJson } from "../options.js";
import { renderTable } from "../render/table.js";

/** `cpi token create|list|revoke`: bearer tokens for the HTTP API's writes and for access beyond loopback. */
export function registerToken(program: Command, io: CliIo): void {
  const token = program.command("token").description("API tokens: 'cpi serve' needs one for imports, contracts and any access beyond this machine");
  token
    .command("create")
    .description("create a token and print it once (only its hash is stored)")
    .argument("<name>", "what or who uses it, e.g. dashboard, looker, alice")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText(
      "after",
      `
Examples:
  $ cpi token create dashboard
  $ TOKEN=$(cpi token create ci --format json | jq -r .token)
  $ curl -H "Authorization: Bearer $TOKEN" -F file=@spend.csv http://127.0.0.1:8080/api/imports`,
    )
    .action(async (name: string, o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const t = await withStore(o, io, "write", (s) => createApiToken(s, name));
      if (format === "json") io.out(toJson(t));
      else {
        io.out(`${t.token}\n`);
        io.err(`token ${t.id} '${t.name}' created: copy it now, it is not shown again (send it as 'Authorization: Bearer TOKEN')\n`);
      }
    });
  token
    .command("list")
    .description("every live token (never the tokens themselves)")
    .option("--format <format>", "table or json", "table")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText("after", "\nExamples:\n  $ cpi token list\n  $ cpi token list --format json")
    .action(async (o) => {
      const format = outputFormat(o.format, ["table", "json"]);
      const ts = await withStore(o, io, "read", (s) => listApiTokens(s));
      if (format === "json") io.out(toJson(ts));
      else io.out(renderTable(["Id", "Name", "Starts with", "Created"], ts.map((t) => [String(t.id), t.name, `${t.prefix}…`, t.createdAt]), new Set([0])));
    });
  token
    .command("revoke")
    .description("revoke a token by id: requests carrying it are refused from then on")
    .argument("<id>", "the token's id ('cpi token list')")
    .option("--db <path>", "DuckDB store file (default ./cpi.duckdb, or $CPI_DB)")
    .addHelpText("after", "\nExamples:\n  $ cpi token revoke 2")
    .action(async (id: string, o) => {
      await withStore(o, io, "write", (s) => revokeApiToken(s, Number(id)));
      io.err(`revoked token ${id}\n`);
    });
}
