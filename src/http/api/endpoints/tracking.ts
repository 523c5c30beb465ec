// First-party tracking's reports: reported vs tracked impressions (`cpi discrepancy`), and who is asking.
import { z } from "zod";
import { discrepancyReport } from "../../../app/track/discrepancy.js";
import { requireTimeZone } from "../../../domain/query.js";
import { isLocalRequest } from "../auth.js";
import { defineEndpoint, type Endpoint } from "../endpoint.js";
import { filtersOf, isoDate, num, periodOf, timezone, where } from "../params.js";
import { discrepanciesResponse, sessionResponse } from "../responses/reports.js";

export function trackingEndpoints(boundHost: string): Endpoint[] {
  return [
    defineEndpoint({
      method: "GET",
      path: "/api/discrepancies",
      tag: "tracking",
      summary: "Reported vs first-party impressions per campaign × placement × day, gaps beyond a tolerance flagged (`cpi discrepancy`)",
      input: "query",
      schema: z.strictObject({
        from: isoDate.optional(),
        to: isoDate.optional(),
        where: where.optional().describe("which reported data: source=direct, campaign~launch …"),
        tolerance: num.refine((v) => v >= 0, "expected a percentage ≥ 0").default(10).describe("accepted gap in percent"),
        timezone: timezone.optional().describe("the publisher's reporting zone (tracked events are counted in it; default UTC)"),
        flagged: z.enum(["true", "false"]).optional().describe("only rows beyond the tolerance"),
      }),
      write: false,
      response: discrepanciesResponse,
      handle: async (p, { store }) => {
        const { rows, beforeTracking } = await discrepancyReport(store, {
          tolerance: p.tolerance / 100,
          filters: filtersOf(p.where),
          ...periodOf(p),
          ...(p.timezone ? { timezone: requireTimeZone(p.timezone) } : {}),
        });
        const flagged = rows.filter((r) => r.status !== "ok").length;
        // before_tracking: reported rows older than their campaign's first tracked impression, not compared.
        return { tolerance: p.tolerance / 100, flagged, before_tracking: beforeTracking, rows: p.flagged === "true" ? rows.filter((r) => r.status !== "ok") : rows };
      },
    }),
    defineEndpoint({
      method: "GET",
      path: "/api/session",
      tag: "auth",
      summary: "What this caller may do: read without a token? which token is it using?",
      input: "query",
      schema: z.strictObject({}),
      write: false,
      response: sessionResponse,
      public: true,
      handle: async (_p, { req, token }) => {
        const local = isLocalRequest(req, boundHost);
        const rejected = req.headers.authorization !== undefined && token === null;
        return { token: token ? { id: token.id, name: token.name } : null, token_rejected: rejected, can_read: local || token !== null, can_write: token !== null, reads_need_token: !local };
      },
    }),
  ];
}
