// What an API endpoint is: method, path, the zod schema that validates its input (and documents it in
// /openapi.json), whether it writes, and a handler that calls app/. Defined once, used by both.
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import type { ReportFile } from "../../app/import.js";
import type { Store } from "../../store/store.js";

export interface ApiContext {
  store: Store;
  req: IncomingMessage;
  /** Files of a multipart upload (endpoints whose input is "multipart"). */
  files: ReportFile[];
  /** The token the request carried, when it carried a valid one. */
  token: { id: number; name: string } | null;
  /**
   * Whether this request writes (the endpoint's `write`, for this input). When false, `store` refuses
   * every writing method, and the handler must give anything else that could write the same treatment.
   */
  writes: boolean;
}

/** Where an endpoint's input comes from: the query string, a JSON body, or a multipart upload (files + fields or query). */
export type InputKind = "query" | "json" | "multipart";

export interface Endpoint<S extends z.ZodObject = z.ZodObject> {
  method: "GET" | "POST" | "DELETE";
  /** "/api/report", or with path parameters: "/api/contracts/{id}". */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  input: InputKind;
  /** Validates the input (path parameters included); documents it in /openapi.json. */
  schema: S;
  /**
   * True when the endpoint changes the store: it then needs a bearer token on every address. A
   * function decides from the request's parsed input, the same object the handler gets (an import's
   * dry run writes nothing: it is a read, and works on a store that refuses writes).
   */
  write: boolean | ((input: z.output<S>) => boolean);
  /** Answered without any token (it says what the caller may do). */
  public?: boolean;
  /** HTTP status of a success (default 200). */
  status?: number;
  /** The success body's JSON Schema (documentation only), when it is worth stating. */
  response?: z.ZodType;
  handle(input: z.output<S>, ctx: ApiContext): Promise<unknown>;
}

/** Keeps an endpoint's handler typed by its schema. @example defineEndpoint({ method: "GET", path: "/api/x", schema: z.object({}), … }) */
export function defineEndpoint<S extends z.ZodObject>(e: Endpoint<S>): Endpoint {
  return e as unknown as Endpoint;
}
