export * from "./alert-evaluation.js";
export * from "./detect-anomaly.js";
export * from "./detect-pacing.js";
export * from "./detect-threshold.js";
export * from "./detect-zero-delivery.js";
export * from "./seasonal-baseline.js";
