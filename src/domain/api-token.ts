/** An API token as stored: only a hash of its secret is kept (the secret is shown once, at creation). */
export interface ApiToken {
  id: number;
  name: string;
  /** Hex SHA-256 of the token's secret. */
  hash: string;
  /** The first characters of the token, to recognise it in a list (not enough to use it). */
  prefix: string;
  /** ISO-8601 instant. */
  createdAt: string;
}

/** A token to store; the store assigns the id. */
export type NewApiToken = Omit<ApiToken, "id">;
