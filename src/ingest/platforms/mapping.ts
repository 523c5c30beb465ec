import type { PlatformContext, PlatformResult, Table } from "../platform.js";
import type { ColumnMapping } from "../types.js";

export function parseMappedTable(_table: Table, _mapping: ColumnMapping, _ctx: PlatformContext): PlatformResult {
  return { format: "mapped", rows: [], rowLines: [], reach: [] };
}
