/** Generators of kernel inputs for property and parity tests (re-exported in one place). */
export * from "./kernel-stage1-arbitraries.js";
export * from "./kernel-stage2-arbitraries.js";
