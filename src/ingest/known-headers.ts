import { isGenericHeader } from "./generic-columns.js";
import { PLATFORM_PARSERS } from "./platforms/registry.js";

let known: Set<string> | null = null;

/**
 * True when a normalised header name belongs to the generic format or to some platform's reports:
 * what the header-row search counts.
 * @example isKnownHeader("impr.") // true
 */
export function isKnownHeader(normalised: string): boolean {
  if (!known) {
    known = new Set<string>();
    for (const p of PLATFORM_PARSERS) for (const h of p.knownHeaders) known.add(h);
  }
  if (known.has(normalised) || isGenericHeader(normalised)) return true;
  for (const p of PLATFORM_PARSERS) if (p.knowsHeader?.(normalised)) return true;
  return false;
}
