// The HTTP API's routes for the route-table server: every /api/* endpoint and /openapi.json.
import type { Route } from "../server.js";
import { sendJson } from "../server.js";
import { allEndpoints } from "./endpoints/index.js";
import { openApiDocument } from "./openapi.js";
import { type ApiOptions, apiRoute } from "./router.js";

export type { ApiOptions } from "./router.js";

/** The package version shown in /openapi.json. */
export const API_VERSION = "0.1.0";

/** Routes of the API: /api/* (JSON endpoints) and /openapi.json (their description, from the same schemas). */
export function apiRoutes(o: ApiOptions): Route[] {
  const endpoints = allEndpoints(o.boundHost, o.alerts, o.connections);
  const doc = openApiDocument(endpoints, API_VERSION);
  return [
    apiRoute(endpoints, o),
    {
      method: ["GET", "HEAD"],
      path: "/openapi.json",
      handler: (_req, res) => {
        res.setHeader("x-content-type-options", "nosniff");
        sendJson(res, 200, doc);
      },
    },
  ];
}
