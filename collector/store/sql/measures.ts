/** The summed measures of rollups and totals (column name ← usage-line column), both stores. */
export const MEASURES = [
  ["gpu_energy_j", "x_GpuEnergyJ"],
  ["idle_energy_j", "x_IdleEnergyJ"],
  ["host_energy_j", "x_HostEnergyJ"],
  ["facility_energy_j", "x_FacilityEnergyJ"],
  ["gpu_seconds", "x_GpuSeconds"],
  ["prompt_tokens", "x_PromptTokens"],
  ["cached_tokens", "x_CachedTokens"],
  ["generation_tokens", "x_GenerationTokens"],
  ["requests", "x_Requests"],
  ["energy_cost", "x_EnergyCost"],
  ["gpu_time_cost", "x_GpuTimeCost"],
  ["list_cost", "ListCost"],
  ["effective_cost", "EffectiveCost"],
  ["carbon_g", "x_CarbonG"],
] as const;
