// The metering kernel's entry: flat exported functions over host-placed linear memory.
// No allocation, no runtime: every function returns a Status (constants.ts).

export { attribute } from "./attribute";
export { derive, stepMean } from "./figures";
export { integrate } from "./integrate";
export { heapBase } from "./memory";
export { splitTenants } from "./tenants";
