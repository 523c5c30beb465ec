export * from "./flight-pacing.js";
