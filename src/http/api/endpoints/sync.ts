// Sync (`cpi sync`, `cpi serve --sync-every`): per connection, the last success, the last error in
// plain words and the freshest day the store holds. The connections file lives beside the store;
// `cpi serve` hands its files to the API. Never a secret: only names, accounts and outcomes.
import { z } from "zod";
import type { ConnectionFiles } from "../../../app/connect/connection-files.js";
import { syncStatus } from "../../../app/sync/sync-status.js";
import { defineEndpoint, type Endpoint } from "../endpoint.js";

const account = z.object({
  account: z.string(),
  last_success: z.string().nullable().describe("when a sync of the account last succeeded (ISO time)"),
  last_error: z.string().nullable().describe("why the last sync of the account failed, in plain words (null once one succeeded since)"),
  last_error_at: z.string().nullable(),
  synced_through: z.string().nullable().describe("the last day synced, in the account's time zone"),
  freshest_day: z.string().nullable().describe("the latest day the store holds for the account (synced or imported)"),
});

const status = z.object({
  connections: z.array(
    z.object({
      name: z.string(),
      platform: z.string(),
      label: z.string(),
      source: z.string().describe("the source id its rows are stored under"),
      last_success: z.string().nullable().describe("when a sync of every account last succeeded"),
      last_error: z.string().nullable(),
      last_error_at: z.string().nullable(),
      accounts: z.array(account),
    }),
  ),
});

export function syncEndpoints(files: ConnectionFiles | undefined): Endpoint[] {
  return [
    defineEndpoint({
      method: "GET",
      path: "/api/sync",
      tag: "sync",
      summary: "Per connection to an ad platform: last successful sync, last error in plain words, freshest day in the store",
      description: "Connections are added with `cpi connect add`; `cpi sync` or `cpi serve --sync-every 6h` pulls them. A server without a connections file answers an empty list.",
      input: "query",
      schema: z.strictObject({}),
      write: false,
      response: status,
      handle: async (_p, ctx) => (files ? syncStatus(ctx.store, files) : { connections: [] }),
    }),
  ];
}
