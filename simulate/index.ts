export type { SimAgentConfigOptions } from "./agent-config.js";
export type { ControlCommand, ControlResult, ControlState } from "./control.js";
export { GARBAGE_BODY } from "./endpoint.js";
export type { SimGpu, SimWorkload } from "./model.js";
export { GPU_MODEL, SimModel } from "./model.js";
export type { EndpointFault, SimTenantSpec, SimulatorOptions, SimWorkloadSpec } from "./options.js";
export { SimulatorOptionsError } from "./options.js";
export type { SimulatorHandle } from "./start.js";
export { startSimulator } from "./start.js";
