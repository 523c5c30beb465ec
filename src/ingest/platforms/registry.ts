import type { PlatformParser } from "../platform.js";

/** Every platform parser, in the order detection tries them. */
export const PLATFORM_PARSERS: readonly PlatformParser[] = [];

/**
 * The parser a --source value names (its id or an alias, any case), or null for a generic source name.
 * @example findPlatform("Facebook")?.id // "meta"
 */
export function findPlatform(name: string): PlatformParser | null {
  const key = name.trim().toLowerCase();
  return PLATFORM_PARSERS.find((p) => p.id === key || p.aliases.includes(key)) ?? null;
}
