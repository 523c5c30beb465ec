// Every API answer a test receives is checked against /openapi.json with a JSON Schema validator
// (Ajv, draft 2020-12): the operation its method and path name, the response its status names (else
// `default`), that response's JSON schema. A documented answer that the server does not give, or an
// answer the document does not describe, fails the test that received it.
import { Ajv2020 } from "ajv/dist/2020.js";

type Json = Record<string, unknown>;

interface Operation {
  responses: Record<string, Json>;
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: Json;
}

const DOC_ID = "cpi-openapi";

/** The JSON pointer of a key, escaped (RFC 6901). */
const pointer = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

export class OpenApiChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly templates: { method: string; re: RegExp; path: string }[] = [];

  constructor(private readonly doc: OpenApiDoc) {
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
    for (const [path, ops] of Object.entries(doc.paths)) {
      const re = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+")}$`);
      for (const method of Object.keys(ops)) this.templates.push({ method, re, path });
    }
  }

  /**
   * The problems of one answer (empty when it matches the document). `target` is the request's path
   * and query; answers outside /api/ (the dashboard, /openapi.json) and requests no operation
   * describes (a wrong method: the 405 itself is checked against the path's other operations) are
   * checked for the error shape only when they are errors.
   */
  problems(method: string, target: string, status: number, body: unknown, contentType = ""): string[] {
    const path = target.split("?")[0] ?? "";
    if (!path.startsWith("/api/")) return [];
    const m = method.toLowerCase() === "head" ? "get" : method.toLowerCase();
    const op = this.templates.find((t) => t.method === m && t.re.test(path)) ?? this.templates.find((t) => t.re.test(path));
    if (!op) {
      // No such path: the 404 must still be the documented error.
      return status >= 400 ? this.check(`#/components/schemas/Error`, body, `${method} ${path} ${status}`) : [`${method} ${path}: ${status} for a path the document does not list`];
    }
    const responses = (this.doc.paths[op.path] as Record<string, Operation>)[op.method]?.responses ?? {};
    const key = String(status) in responses ? String(status) : "default";
    const where = `#/paths/${pointer(op.path)}/${op.method}/responses/${key}`;
    if (!(key in responses)) return [`${method} ${path}: status ${status} is not documented and there is no default`];
    if (m === "options" || status === 204 || method.toUpperCase() === "HEAD") return [];
    const response = this.resolve(responses[key] as Json);
    const content = response.content as Record<string, { schema: Json }> | undefined;
    if (!content) return body === undefined || body === "" ? [] : [`${method} ${path} ${status}: the document says no body`];
    if (!content["application/json"]) return [`${method} ${path} ${status}: not documented as JSON`];
    if (contentType && !/^application\/json/.test(contentType)) return [`${method} ${path} ${status}: sent as ${contentType}, documented as JSON`];
    const target2 = (responses[key] as Json).$ref ? `#/components/responses/${String((responses[key] as Json).$ref).split("/").pop()}/content/application~1json/schema` : `${where}/content/application~1json/schema`;
    return this.check(target2, body, `${method} ${path} ${status}`);
  }

  private resolve(response: Json): Json {
    const ref = response.$ref;
    if (typeof ref !== "string") return response;
    const name = ref.split("/").pop() as string;
    return ((this.doc.components.responses as Record<string, Json>)[name] ?? {}) as Json;
  }

  private check(ref: string, body: unknown, label: string): string[] {
    const validate = this.ajv.getSchema(`${DOC_ID}${ref}`);
    if (!validate) return [`${label}: no schema at ${ref}`];
    if (validate(body)) return [];
    return (validate.errors ?? []).slice(0, 5).map((e) => `${label}: ${e.instancePath || "(body)"} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
  }
}

/** An answer's body as the checker takes it: its JSON, else its text, else undefined when empty. */
function bodyOf(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Checks every /api/ answer a real server sends against `doc`, as it is sent; the problems found are
 * kept in the returned list (a test asserts it is empty, e.g. when it closes the server).
 */
export function checkServedAnswers(server: import("node:http").Server, doc: OpenApiDoc): string[] {
  const checker = new OpenApiChecker(doc);
  const problems: string[] = [];
  server.prependListener("request", (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    const target = req.url ?? "";
    if (!target.startsWith("/api/")) return;
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => import("node:http").ServerResponse;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk) chunks.push(Buffer.from(chunk as string));
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== "function") chunks.push(Buffer.from(chunk as string));
      const body = bodyOf(Buffer.concat(chunks).toString("utf8"));
      problems.push(...checker.problems(req.method ?? "GET", target, res.statusCode, body, String(res.getHeader("content-type") ?? "")));
      return end(chunk, ...rest);
    }) as typeof res.end;
  });
  return problems;
}

/**
 * `fetch` for tests that call a running `cpi serve`: every /api/ answer is checked against that
 * server's own /openapi.json (fetched once per server), and one the document does not describe
 * rejects the call. @example const fetch = checkedFetch(); await fetch(`${url}/api/report`)
 */
export function checkedFetch(): typeof globalThis.fetch {
  const checkers = new Map<string, Promise<OpenApiChecker>>();
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await globalThis.fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!url.pathname.startsWith("/api/")) return res;
    let checker = checkers.get(url.origin);
    if (!checker) {
      checker = globalThis
        .fetch(`${url.origin}/openapi.json`)
        .then((r) => r.json())
        .then((doc) => new OpenApiChecker(doc as OpenApiDoc));
      checkers.set(url.origin, checker);
    }
    const text = await res.clone().text();
    const body = bodyOf(text);
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    const problems = (await checker).problems(method, url.pathname + url.search, res.status, body, res.headers.get("content-type") ?? "");
    if (problems.length) throw new Error(`the answer does not match /openapi.json:\n${problems.join("\n")}\nbody: ${text.slice(0, 500)}`);
    return res;
  }) as typeof globalThis.fetch;
}
