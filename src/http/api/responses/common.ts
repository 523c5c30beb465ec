// Pieces every endpoint's answer schema shares (responses/*.ts). The answers are zod schemas that
// /openapi.json states (openapi.ts) and the test suite checks every answer it receives against:
// money in currency units, keys in snake_case, objects strict (a field an answer gains is described).
import { z } from "zod";

export const num = z.number();
export const nullableNum = num.nullable();
export const day = z.string().describe("YYYY-MM-DD");

/** Exchange rates held per currency pair (`cpi fx list`). */
export const fxCoverage = z.array(z.strictObject({ base: z.string(), currency: z.string(), first: day, last: day, days: num }));

/** `{ "removed": … }`: what a DELETE removed. */
export const removedResponse = (what: z.ZodType) => z.strictObject({ removed: what });
