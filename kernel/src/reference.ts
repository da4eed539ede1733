/**
 * The plain-TypeScript reference kernel: docs/metering-model.md written for clarity. It is
 * the oracle for the property and parity tests of the WASM kernel (`wasm-kernel.ts`), and
 * usable wherever speed does not matter.
 */
import { derive } from "./reference/derive.js";
import { integrate } from "./reference/stage1.js";
import { attribute } from "./reference/stage2.js";
import { stepMean } from "./reference/step-mean.js";
import { splitTenants } from "./reference/tenants.js";
import type { Kernel } from "./types.js";

export { KernelInputError } from "./reference/input-error.js";

export const referenceKernel: Kernel = { integrate, attribute, splitTenants, stepMean, derive };
