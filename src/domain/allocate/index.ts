export * from "./allocate-budget.js";
export * from "./allocation-types.js";
export * from "./branch-and-bound.js";
export * from "./concave-envelope.js";
export * from "./curve-inflection.js";
export * from "./explain-allocation.js";
export * from "./explanation-text.js";
export * from "./water-filling.js";
