export * from "./capped-reach.js";
export * from "./frequency-distribution.js";
export * from "./goerg-reach.js";
export * from "./hll-error.js";
export * from "./negative-binomial-reach.js";
export * from "./poisson-reach.js";
export * from "./reach-range.js";
export * from "./sainsbury-reach.js";
