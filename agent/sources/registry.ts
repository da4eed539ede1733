import { createCarbonIntensitySource } from "./carbon-intensity.js";
import { SourceConfigError } from "./common/errors.js";
import { createDcgmSource } from "./dcgm.js";
import { createFacilityPowerSource } from "./facility-power.js";
import { createHostPowerSource } from "./host-power.js";
import { createLitellmSource } from "./litellm.js";
import { createLlamacppSource } from "./llamacpp.js";
import { createNimSource } from "./nim.js";
import { createNvidiaGpuExporterSource } from "./nvidia-gpu-exporter.js";
import { createNvidiaSmiSource } from "./nvidia-smi.js";
import { createRedfishCduSource } from "./redfish-cdu.js";
import { createSglangSource } from "./sglang.js";
import { createTgiSource } from "./tgi.js";
import { createTrtllmSource } from "./trtllm.js";
import type { Source, SourceConfig, SourceKind } from "./types.js";
import { createVllmSource } from "./vllm.js";

const FACTORIES: Readonly<Record<SourceKind, (config: SourceConfig) => Source>> = {
  dcgm: createDcgmSource,
  "nvidia-gpu-exporter": createNvidiaGpuExporterSource,
  "nvidia-smi": createNvidiaSmiSource,
  vllm: createVllmSource,
  sglang: createSglangSource,
  tgi: createTgiSource,
  llamacpp: createLlamacppSource,
  trtllm: createTrtllmSource,
  nim: createNimSource,
  litellm: createLitellmSource,
  "host-power": createHostPowerSource,
  "facility-power": createFacilityPowerSource,
  "redfish-cdu": createRedfishCduSource,
  "carbon-intensity": createCarbonIntensitySource,
};

export const SOURCE_KINDS = Object.keys(FACTORIES) as SourceKind[];

/**
 * Builds the source a config entry names. Throws SourceConfigError (TW_ERR_SOURCE_CONFIG)
 * for an unknown kind, a missing or invalid `url` where the kind needs one, a missing
 * `metric` or unknown `unit` for series kinds, or a bad `timeout_s`.
 */
export function createSource(config: SourceConfig): Source {
  const name = typeof config.name === "string" && config.name !== "" ? config.name : "(unnamed)";
  if (name === "(unnamed)") {
    throw new SourceConfigError("sources[].name is required", { source: name });
  }
  const factory = Object.hasOwn(FACTORIES, config.kind) ? FACTORIES[config.kind] : undefined;
  if (factory === undefined) {
    throw new SourceConfigError(
      `unknown kind ${JSON.stringify(config.kind)}; expected one of ${SOURCE_KINDS.join(", ")}`,
      { source: name },
    );
  }
  return factory(config);
}
