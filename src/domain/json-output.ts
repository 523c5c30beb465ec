// The one shape of every JSON answer (each command's --format json and each /api/* endpoint): money
// in currency units as numbers, keys in snake_case. Inside, money is a bigint count of micros
// (DESIGN §1.2), so a bigint met here IS money and becomes units; numbers and strings pass as they are.
import { type Micros, microsToDecimalString } from "./money.js";

/** Objects whose keys are names from the data (channels, campaigns, "1+"), not field names: kept as they are. */
const DATA_KEYED = new Set(["today_daily_spend", "k_plus"]);

const CAMEL = /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/;

/** A field name in snake_case: spendToDate → spend_to_date; other names unchanged. @example snakeKey("marginalCpm") // "marginal_cpm" */
export function snakeKey(key: string): string {
  return CAMEL.test(key) ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : key;
}

/** Micros as currency units, the JSON number nearest the exact decimal: 5000250000n → 5000.25. */
function unitsOf(micros: Micros): number {
  return Number(microsToDecimalString(micros));
}

/**
 * A value as JSON answers give it: bigint micros → currency units (number), camelCase keys → snake_case
 * (objects keyed by data names keep their keys), Dates → ISO text, Maps → objects; the rest as it is.
 * @example toJsonValue({ spendToDate: 5_000_000_000n, status: "ok" }) // { spend_to_date: 5000, status: "ok" }
 */
export function toJsonValue(value: unknown): unknown {
  return convert(value, false);
}

function convert(value: unknown, dataKeyed: boolean): unknown {
  if (typeof value === "bigint") return unitsOf(value);
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => convert(v, false));
  if (value instanceof Date) return value.toISOString();
  const entries = value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v] as const) : Object.entries(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    const key = dataKeyed ? k : snakeKey(k);
    out[key] = convert(v, DATA_KEYED.has(key));
  }
  return out;
}
