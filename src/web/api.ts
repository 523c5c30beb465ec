// Calls to cpi's own /api/* (same origin: the page makes no other request). The token, when the user
// gave one, is kept in this browser's localStorage and sent as a bearer token.

const TOKEN_KEY = "cpi.token";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token.trim());
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: the token lasts until reload
  }
}

export type Params = Record<string, string | number | boolean | readonly string[] | undefined | null>;

/** A query string; arrays repeat the parameter (where=…&where=…). */
export function queryString(p: Params = {}): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || v === null || v === "") continue;
    if (Array.isArray(v)) for (const x of v) s.append(k, x);
    else s.append(k, String(v));
  }
  const q = s.toString();
  return q ? `?${q}` : "";
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const token = getToken();
  if (token) headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers, credentials: "omit" });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, "bad_response", `the server answered ${res.status} without JSON`);
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? "error", e?.message ?? `HTTP ${res.status}`, e?.details);
  }
  return body as T;
}

/** GET /api/…?params. */
export function get<T>(path: string, params?: Params): Promise<T> {
  return call<T>(`${path}${queryString(params)}`);
}

/** POST a JSON body. */
export function post<T>(path: string, body: unknown, params?: Params): Promise<T> {
  return call<T>(`${path}${queryString(params)}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** DELETE. */
export function del<T>(path: string): Promise<T> {
  return call<T>(path, { method: "DELETE" });
}

/** POST files as multipart/form-data. */
export function upload<T>(path: string, files: readonly File[], params?: Params): Promise<T> {
  const form = new FormData();
  for (const f of files) form.append("file", f, f.name);
  return call<T>(`${path}${queryString(params)}`, { method: "POST", body: form });
}
