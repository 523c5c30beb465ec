// Checks of connection values shared by connectors: base URLs, API versions, digit ids.
import type { FieldSpec } from "./connector.js";

type Check = NonNullable<FieldSpec["check"]>;

/**
 * An http(s) base URL without a trailing slash (tests and proxies set their own).
 * @example httpUrl("https://googleads.googleapis.com/") // { value: "https://googleads.googleapis.com" }
 */
export const httpUrl: Check = (v) => {
  try {
    const u = new URL(v.trim());
    if (u.protocol !== "https:" && u.protocol !== "http:") return { error: `'${v}' is not an http(s) URL` };
    if (u.username || u.password) return { error: "the URL must not carry a user name or password" };
    return { value: u.toString().replace(/\/+$/, "") };
  } catch {
    return { error: `'${v}' is not a URL (e.g. https://example.com)` };
  }
};

/**
 * A check that a value matches a pattern, optionally normalised (dashes dropped, say).
 * @example matching(/^v\d+$/, "v26")("v26") // { value: "v26" }
 */
export function matching(pattern: RegExp, example: string, normalise: (v: string) => string = (v) => v.trim()): Check {
  return (v) => {
    const n = normalise(v);
    return pattern.test(n) ? { value: n } : { error: `'${v}' does not look like ${example}` };
  };
}

/** The fields every connector has for where its API lives: base URL and version (tests, proxies, upgrades). */
export function endpointFields(apiUrl: string, version: string, versionPattern: RegExp): FieldSpec[] {
  return [
    { key: "api_url", label: "API base URL", secret: false, required: false, default: apiUrl, check: httpUrl, help: `base URL of the API (default ${apiUrl}; a proxy or a test server)` },
    { key: "api_version", label: "API version", secret: false, required: false, default: version, check: matching(versionPattern, version), help: `API version (default ${version})` },
  ];
}
