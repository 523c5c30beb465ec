// The API's answers as the dashboard reads them (see /openapi.json).
import type { MetricInfo } from "./format.js";

export type Row = Record<string, string | number | null>;

export interface Filter {
  dimension: string;
  op: "eq" | "neq" | "contains";
  values: string[];
}

export interface MetricQuery {
  metrics: string[];
  dimensions: string[];
  filters: Filter[];
  from?: string;
  to?: string;
  currency?: string;
}

export interface ReportAnswer {
  currency: string | null;
  dimensions: string[];
  metrics: string[];
  rows: Row[];
  total: Row | null;
  warnings: string[];
  /** True when tracked reach (and CPMR) are estimated from the 1/64 visitor sample; rows then carry `reach_estimated` and `reach_rse`. */
  reach_estimated?: boolean;
  /** The total reach's relative standard error (1 s.e., a fraction) when estimated. */
  reach_rse?: number | null;
}

export interface Extent {
  first_day: string | null;
  last_day: string | null;
  currencies: string[];
  default_currency: string | null;
  sources: string[];
  fx: { base: string; currency: string; first: string; last: string; days: number }[];
}

export interface Catalogue {
  metrics: MetricInfo[];
  dimensions: string[];
}

export interface Session {
  token: { id: number; name: string } | null;
  /** A token was sent and refused (revoked, mistyped, another store's). */
  token_rejected: boolean;
  can_read: boolean;
  can_write: boolean;
  reads_need_token: boolean;
}
