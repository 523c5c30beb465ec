// Contracts (`cpi contract`): what direct buys cost, pricing tracked impressions.
import { z } from "zod";
import { addContract, listContracts, removeContract } from "../../../app/track/contracts.js";
import { defineEndpoint, type Endpoint } from "../endpoint.js";
import { currency, isoDate, timezone } from "../params.js";
import { removedResponse } from "../responses/common.js";
import { contractResponse, contractsResponse } from "../responses/planning.js";

const amount = z.union([z.string().regex(/^\d+(\.\d+)?$/, "expected an amount like 5000 or 12.50"), z.number().nonnegative()]);


export const contractEndpoints: Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/api/contracts",
    tag: "contracts",
    summary: "Every contract",
    input: "query",
    schema: z.strictObject({}),
    write: false,
    response: contractsResponse,
    handle: async (_p, { store }) => ({ contracts: (await listContracts(store)) }),
  }),
  defineEndpoint({
    method: "POST",
    path: "/api/contracts",
    tag: "contracts",
    summary: "Record a direct buy: exactly one of flat, cpm, cpc (`cpi contract add`)",
    input: "json",
    schema: z.strictObject({
      campaign: z.string().min(1).max(500).describe("campaign, as the tracking pixel names it (c=)"),
      placement: z.string().max(500).optional().describe("placement (p=); omit to cover every placement"),
      flat: amount.optional().describe("a flat fee for the whole flight"),
      cpm: amount.optional().describe("price per 1000 counted impressions"),
      cpc: amount.optional().describe("price per counted click"),
      currency: currency.optional().describe("ISO-4217 currency (default USD)"),
      from: isoDate.describe("first day of the flight, inclusive"),
      to: isoDate.describe("last day of the flight, inclusive"),
      timezone: timezone.optional().describe("zone the flight's days are in (default UTC)"),
    }),
    write: true,
    response: contractResponse,
    status: 201,
    handle: async (p, { store }) => {
      const price = (v: string | number | undefined) => (v === undefined ? {} : { value: String(v) });
      const c = await addContract(store, {
        campaign: p.campaign,
        from: p.from,
        to: p.to,
        ...(p.placement !== undefined ? { placement: p.placement } : {}),
        ...(p.flat !== undefined ? { flat: price(p.flat).value } : {}),
        ...(p.cpm !== undefined ? { cpm: price(p.cpm).value } : {}),
        ...(p.cpc !== undefined ? { cpc: price(p.cpc).value } : {}),
        ...(p.currency ? { currency: p.currency } : {}),
        ...(p.timezone ? { timezone: p.timezone } : {}),
      });
      return c;
    },
  }),
  defineEndpoint({
    method: "DELETE",
    path: "/api/contracts/{id}",
    tag: "contracts",
    summary: "Remove a contract by id",
    input: "query",
    schema: z.strictObject({ id: z.coerce.number().int().positive().describe("the contract's id") }),
    write: true,
    response: removedResponse(z.number()),
    handle: async (p, { store }) => {
      await removeContract(store, p.id);
      return { removed: p.id };
    },
  }),
];
