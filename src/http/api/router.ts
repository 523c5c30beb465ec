// The /api/* router: matches an endpoint, applies the auth policy and CORS, validates the input with
// the endpoint's schema, calls its handler and answers JSON. Errors are JSON { error: { code, message, details } }.

import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { AlertFiles } from "../../app/alerts/index.js";
import type { ConnectionFiles } from "../../app/connect/connection-files.js";
import { isUserError, UserError } from "../../domain/errors.js";
import { toJsonValue } from "../../domain/json-output.js";
import type { Store } from "../../store/store.js";
import { HttpError, type RequestUrl, type Route, sendJson, sendThrown } from "../server.js";
import { readApiInput } from "./api-input.js";
import { type InputField, inApiWords, inputFieldsOf, warningsInApiWords } from "./api-wording.js";
import { authenticate, checkSameOrigin, checkTokenless, refuseWrite } from "./auth.js";
import type { Endpoint } from "./endpoint.js";
import { readOnlyStore } from "./read-only.js";

export interface ApiOptions {
  /** The store every endpoint works on (in `cpi serve`, a RemoteStore into the store process). */
  store: Store;
  /** The address the server listens on: reads are open without a token only when it is loopback. */
  boundHost: string;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** The alerts' rules file and log (cpi serve passes those beside the store); without them /api/alerts* answer 404. */
  alerts?: AlertFiles;
  /** The connections file and sync state (cpi serve passes those beside the store); without them /api/sync lists no connections. */
  connections?: ConnectionFiles;
  /** Largest uploaded file (bytes; default 100 MB). */
  maxUploadBytes?: number;
  /** Largest JSON body (bytes; default 1 MB). */
  maxJsonBytes?: number;
  log?: (msg: string) => void;
}

interface Compiled {
  e: Endpoint;
  re: RegExp;
  params: string[];
  /** Input fields that are arrays (repeatable query parameters). */
  arrays: Set<string>;
  /** The input fields by name: the app's CLI-worded messages name them as fields (api-wording.ts). */
  fields: Map<string, InputField>;
}

function compile(e: Endpoint): Compiled {
  const params: string[] = [];
  const re = new RegExp(
    `^${e.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{(\w+)\}/g, (_m, name: string) => {
      params.push(name);
      return "([^/]+)";
    })}$`,
  );
  const json = z.toJSONSchema(e.schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, { type?: string; enum?: unknown[] }> };
  const arrays = new Set(Object.entries(json.properties ?? {}).filter(([, s]) => s.type === "array").map(([k]) => k));
  return { e, re, params, arrays, fields: inputFieldsOf(json) };
}

/** A UserError thrown by the app (worded for the CLI), worded for this endpoint's callers. */
function inEndpointWords(e: unknown, c: Compiled): unknown {
  if (!isUserError(e)) return e;
  const message = inApiWords(e.message, c.fields);
  const details = warningsInApiWords(e.details, c.fields);
  return message === e.message && details === e.details ? e : new UserError(e.code, message, details);
}

/** A zod failure as a 400 naming each bad field. */
function invalid(error: z.ZodError): HttpError {
  const issues = error.issues.map((i) => ({ field: i.path.join(".") || "(input)", message: i.code === "unrecognized_keys" ? `unknown field(s): ${i.keys.join(", ")}` : i.message }));
  return new HttpError(400, "invalid_request", issues.map((i) => `${i.field}: ${i.message}`).join("; "), { issues });
}

/** Sets CORS headers for an allowed Origin; true when the request was a preflight that is now answered. */
function cors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && (origins.includes(origin) || origins.includes("*"));
  if (allowed) {
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("vary", "Origin");
  }
  if (req.method === "OPTIONS") {
    if (!allowed) throw new HttpError(403, "cors_refused", "cross-origin requests are off (cpi serve --cors-origin ORIGIN allows one)");
    res.writeHead(204, { "access-control-allow-methods": "GET, POST, DELETE", "access-control-allow-headers": "authorization, content-type", "access-control-max-age": "600" });
    res.end();
    return true;
  }
  return false;
}

/** The API as a request handler plus its endpoint list (for /openapi.json and tests). */
export function createApiHandler(endpoints: readonly Endpoint[], o: ApiOptions) {
  const compiled = endpoints.map(compile);
  const limits = { maxJsonBytes: o.maxJsonBytes ?? 1_000_000, maxUploadBytes: o.maxUploadBytes ?? 100_000_000, maxFiles: 20 };
  const handle = async (req: IncomingMessage, res: ServerResponse, url: RequestUrl): Promise<void> => {
    res.setHeader("x-content-type-options", "nosniff");
    if (cors(req, res, o.corsOrigins ?? [])) return;
    const at = compiled.filter((c) => c.re.test(url.path));
    if (at.length === 0) throw new HttpError(404, "not_found", `no endpoint ${url.path} (GET /openapi.json lists them)`);
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    const c = at.find((x) => x.e.method === method);
    if (!c) {
      res.setHeader("allow", at.map((x) => x.e.method).join(", "));
      throw new HttpError(405, "method_not_allowed", `${req.method} is not allowed on ${url.path}`);
    }
    // Who is asking is known before the body is read; what they may do once the input is read (an
    // import's dry run writes nothing, so it is a read). Both look at the same parsed input.
    const token = await authenticate(req, res, { store: o.store, ...(c.e.public ? { public: true } : {}) });
    if (token === null && !c.e.public) {
      checkTokenless(req, res, o.boundHost);
      if (c.e.write === true) refuseWrite(res);
      checkSameOrigin(req, o.corsOrigins ?? []);
    }
    const m = c.re.exec(url.path) as RegExpExecArray;
    const input = await readApiInput(req, url.query, { input: c.e.input, arrays: c.arrays, pathParams: Object.fromEntries(c.params.map((p, i) => [p, m[i + 1] ?? ""])) }, limits).catch((e: unknown) => {
      throw inEndpointWords(e, c);
    });
    const parsed = c.e.schema.safeParse(input.fields);
    if (!parsed.success) throw invalid(parsed.error);
    const write = typeof c.e.write === "function" ? c.e.write(parsed.data) : c.e.write;
    if (write && token === null) refuseWrite(res);
    const ctx = { store: write ? o.store : readOnlyStore(o.store), writes: write, req, files: input.files, token: token ? { id: token.id, name: token.name } : null };
    const result = await c.e.handle(parsed.data, ctx).catch((e: unknown) => {
      throw inEndpointWords(e, c);
    });
    sendJson(res, c.e.status ?? 200, toJsonValue(warningsInApiWords(result, c.fields)));
  };
  return {
    endpoints,
    /** Handles one request under /api/; errors become JSON. */
    handle: (req: IncomingMessage, res: ServerResponse, url: RequestUrl): Promise<void> => handle(req, res, url).catch((e) => sendThrown(res, e, o.log)),
  };
}

/** The route that serves every endpoint under /api/ (exact routes such as /api/cli win over it). */
export function apiRoute(endpoints: readonly Endpoint[], o: ApiOptions): Route {
  const api = createApiHandler(endpoints, o);
  return { method: "*", prefix: "/api/", handler: api.handle };
}
