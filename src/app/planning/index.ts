export * from "./allocate.js";
export * from "./curves.js";
export * from "./delivery.js";
export * from "./forecast.js";
export * from "./pacing.js";
export * from "./reach.js";
