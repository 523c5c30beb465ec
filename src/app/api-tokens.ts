import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiToken } from "../domain/api-token.js";
import { UserError } from "../domain/errors.js";
import { requireStorableText } from "../domain/query.js";
import type { Store } from "../store/store.js";

/** Every token starts with this, so a leaked one is recognisable (and scanners can find it). */
const TOKEN_PREFIX = "cpi_";

/** Hex SHA-256 of a token's text: tokens are 256 random bits, so a fast hash is enough. */
function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A token as listed: everything but its hash. */
export type ListedToken = Omit<ApiToken, "hash">;

/**
 * Creates an API token and stores its hash; the token itself is returned once and never stored.
 * @example (await createApiToken(store, "dashboard")).token // "cpi_3q2…"
 */
export async function createApiToken(store: Store, name: string): Promise<ListedToken & { token: string }> {
  const clean = name.trim();
  if (!clean || clean.length > 100) throw new UserError("bad_name", "a token needs a name of 1 to 100 characters (what or who uses it)");
  requireStorableText(clean, "the token's name");
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const stored = await store.addApiToken({ name: clean, hash: hashToken(token), prefix: token.slice(0, 10), createdAt: new Date().toISOString() });
  const { hash: _h, ...listed } = stored;
  return { ...listed, token };
}

/** Every live token, without hashes. @example await listApiTokens(store) // [{ id: 1, name: "dashboard", prefix: "cpi_3q2Xa9", createdAt: "…" }] */
export async function listApiTokens(store: Store): Promise<ListedToken[]> {
  return (await store.apiTokens()).map(({ hash: _h, ...t }) => t);
}

/** Revokes a token by id, or fails naming it. @example await revokeApiToken(store, 2) */
export async function revokeApiToken(store: Store, id: number): Promise<void> {
  if (!Number.isInteger(id) || id <= 0) throw new UserError("bad_flag", `'${id}' is not a token id`);
  if (!(await store.revokeApiToken(id))) throw new UserError("no_such_token", `there is no token ${id} ('cpi token list' shows them)`);
}

/**
 * The live token a presented secret belongs to, or null; compares hashes in constant time.
 * @example await verifyApiToken(store, "cpi_3q2…") // { id: 1, name: "dashboard", … }
 */
export async function verifyApiToken(store: Store, presented: string): Promise<ListedToken | null> {
  if (!presented.startsWith(TOKEN_PREFIX) || presented.length > 200) return null;
  const h = Buffer.from(hashToken(presented), "hex");
  let found: ApiToken | null = null;
  for (const t of await store.apiTokens()) {
    const stored = Buffer.from(t.hash, "hex");
    if (stored.length === h.length && timingSafeEqual(stored, h)) found = t;
  }
  if (!found) return null;
  const { hash: _h, ...listed } = found;
  return listed;
}
