// Every API request is read once into one input (DESIGN §5): the query string, a JSON body or a
// multipart upload's fields, and the path's parameters. The auth check and the handler both read this
// one object, so no part of the request can say one thing to the one and another to the other: a
// parameter given twice, a form field that repeats a query parameter, a JSON key named twice, a path
// parameter given again elsewhere are each refused with a 400 naming it.
import type { IncomingMessage } from "node:http";
import type { ReportFile } from "../../app/import.js";
import { UserError } from "../../domain/errors.js";
import { paramName, parseJsonBody, parseQueryValues, readBody, repeatedParam } from "../request-input.js";
import { HttpError } from "../server.js";
import type { InputKind } from "./endpoint.js";
import { readUpload } from "./upload.js";

/** What one request says: its fields (before the endpoint's schema) and the files of an upload. */
export interface ApiInput {
  fields: Record<string, unknown>;
  files: ReportFile[];
}

export interface InputShape {
  input: InputKind;
  /** Fields that take several values (repeated query parameters: `where=…&where=…`). */
  arrays: ReadonlySet<string>;
  /** Path parameters by name, still percent-encoded. */
  pathParams: Record<string, string>;
}

export interface InputLimits {
  maxJsonBytes: number;
  maxUploadBytes: number;
  maxFiles: number;
}

/** Query parameters an endpoint may take at most (a report's `where` repeats up to 20 times). */
const MAX_QUERY_PARAMS = 200;

function conflict(name: string, a: string, b: string): UserError {
  return new UserError("conflicting_param", `${paramName(name)} is given both in ${a} and in ${b}: send it once`);
}

/** Path parameters decoded; an invalid percent-escape is a 400 naming the parameter. */
function decodedPathParams(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      throw new UserError("bad_encoding", `the path parameter ${paramName(k)} is not valid percent-encoded UTF-8`);
    }
  }
  return out;
}

/**
 * Reads a request's whole input once, by the endpoint's input kind: the query string (repeatable
 * only for array fields), a JSON object body (no query string beside it), or a multipart upload
 * whose form fields and query parameters are one set (a name in both is refused).
 * @example await readApiInput(req, "dry_run=true", { input: "multipart", arrays: new Set(), pathParams: {} }, limits)
 */
export async function readApiInput(req: IncomingMessage, query: string, shape: InputShape, limits: InputLimits): Promise<ApiInput> {
  const path = decodedPathParams(shape.pathParams);
  const fields: Record<string, unknown> = Object.create(null);
  const values = parseQueryValues(query, MAX_QUERY_PARAMS);
  for (const [k, vs] of values) {
    if (Object.hasOwn(path, k)) throw conflict(k, "the path", "the query string");
    if (shape.arrays.has(k)) fields[k] = vs;
    else if (vs.length > 1) throw repeatedParam(k);
    else fields[k] = vs[0];
  }
  let files: ReportFile[] = [];
  if (shape.input === "json") {
    if (values.size > 0) {
      const names = [...values.keys()].slice(0, 5).map(paramName).join(", ");
      throw new UserError("unexpected_query", `this endpoint reads a JSON body and no query string: move ${names} into the body`);
    }
    if (!/^application\/json/i.test(String(req.headers["content-type"] ?? ""))) throw new HttpError(415, "bad_content_type", "send the body as application/json");
    const body = parseJsonBody(await readBody(req, limits.maxJsonBytes), { uniqueKeys: true });
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "invalid_request", "the body must be a JSON object");
    for (const [k, v] of Object.entries(body)) {
      if (Object.hasOwn(path, k)) throw conflict(k, "the path", "the body");
      fields[k] = v;
    }
  } else if (shape.input === "multipart") {
    const up = await readUpload(req, { fileBytes: limits.maxUploadBytes, files: limits.maxFiles });
    for (const [k, v] of Object.entries(up.fields)) {
      if (Object.hasOwn(fields, k)) throw conflict(k, "the query string", "the form");
      if (Object.hasOwn(path, k)) throw conflict(k, "the path", "the form");
      fields[k] = v;
    }
    files = up.files;
  }
  Object.assign(fields, path);
  return { fields: { ...fields }, files };
}
