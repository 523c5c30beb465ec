export * from "./flight-pacing.js";
export * from "./weekday-profile.js";
