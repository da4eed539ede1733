export { applyDefaults, DEFAULTS } from "./defaults.js";
export type { ConfigIssue } from "./errors.js";
export { ConfigError, formatIssue } from "./errors.js";
export { loadAgentConfig, parseAgentConfig } from "./load.js";
export type { AgentConfigInput } from "./schema.js";
export { agentConfigSchema, WINDOW_DIVISORS } from "./schema.js";
export type * from "./types.js";
