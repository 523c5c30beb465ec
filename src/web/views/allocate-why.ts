// Why the allocator gave a channel its spend, in words: the API's `why` (the period's amounts) with
// money formatted for the browser's locale and the currency. The sentences are the CLI's own
// (domain/allocate/explanation-text.ts is pure, so the browser bundle takes it as it is).
import type { ChannelExplanation, ExplanationFormat } from "../../domain/allocate/explanation-text.js";

export { explanationText as whyText, objectiveUnit } from "../../domain/allocate/explanation-text.js";

/** The API's perPeriod[].why. */
export type Why = ChannelExplanation;

/** How amounts of spend and costs of one unit are written. */
export type WhyFormat = ExplanationFormat;
