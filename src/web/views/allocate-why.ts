// Why the allocator gave a channel its spend, in words: the API's `why` (the period's amounts) with
// money formatted for the browser's locale and the currency. The same sentences as the CLI's
// (domain/allocate/explanation-text.ts; test/web/allocate-why.test.ts holds them equal).

/** The API's perPeriod[].why. */
export interface Why {
  bound: "fixed" | "at-min" | "at-max" | "funded" | "off";
  offReason: "slow-start" | "threshold" | "first-unit" | null;
  spend: number;
  min: number;
  max: number;
  marginalCost: number | null;
  equalisedCost: number | null;
  threshold: number | null;
  averageCost: number | null;
  today: { spend: number; marginalCost: number | null; moved: "in" | "out" | "unchanged" } | null;
}

/** How amounts of spend and costs of one unit are written. */
export interface WhyFormat {
  amount: (v: number) => string;
  unitCost: (v: number) => string;
}

const UNIT_NOUNS: Record<string, string> = { reach: "person reached", impressions: "impression", clicks: "click", conversions: "conversion" };

/** One unit of an objective: "click", "person reached". */
export function objectiveUnit(objective: string): string {
  return UNIT_NOUNS[objective] ?? objective.replace(/s$/, "");
}

/** The explanation as a sentence, e.g. "held at its minimum $1,500.00: beyond it one more click costs $7.88, …". */
export function whyText(e: Why, objective: string, f: WhyFormat): string {
  const one = objectiveUnit(objective);
  const mc = e.marginalCost === null ? "nothing" : f.unitCost(e.marginalCost);
  const eq = e.equalisedCost === null ? "" : ` (the equalised cost is ${f.unitCost(e.equalisedCost)})`;
  const avg = e.averageCost === null ? "—" : f.unitCost(e.averageCost);
  let text: string;
  switch (e.bound) {
    case "fixed":
      text = `fixed at ${f.amount(e.spend)}; one more ${one} here would cost ${mc}${eq}`;
      break;
    case "funded":
      text = `funded until one more ${one} costs ${mc}, the same on every funded channel`;
      break;
    case "at-max":
      text = `capped at its maximum ${f.amount(e.max)}: one more ${one} here would still cost only ${mc}${eq}`;
      break;
    case "at-min":
      text = `held at its minimum ${f.amount(e.min)}: beyond it one more ${one} costs ${mc}, more than elsewhere${eq}`;
      break;
    default:
      if (e.offReason === "slow-start") {
        text = `not funded: up to the most it could get (${f.amount(e.max)}) its curve is still in its slow start, where one ${one} costs ${avg} on average${eq}`;
      } else if (e.offReason === "threshold") {
        text = `not funded: its curve needs about ${f.amount(e.threshold ?? 0)} before it pays off, and even then one ${one} costs ${avg} on average${eq}`;
      } else {
        text = `not funded: its first ${one} would cost ${mc}${eq}`;
      }
  }
  const t = e.today;
  if (t !== null) {
    if (t.moved === "unchanged") return `${text}; unchanged from today`;
    const atToday = t.marginalCost === null ? "nothing more" : f.unitCost(t.marginalCost);
    const vs = e.equalisedCost === null ? "" : ` vs ${f.unitCost(e.equalisedCost)} at the recommended split`;
    text += `; money moved ${t.moved}: at today's ${f.amount(t.spend)} one more ${one} costs ${atToday}${vs}`;
  }
  return text;
}
