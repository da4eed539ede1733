/**
 * The hourly FOCUS rows as one DuckDB query. Grain: hour × GPU × workload × tenant × SKU
 * (also split by agent, price version and the site fields, which are constant per GPU).
 * Two SKUs per group: GPU time (`GPU-Hours`) and facility energy (`kWh`).
 *
 * Money: per SKU row, ListCost = ListUnitPrice × PricingQuantity exactly (computed as that
 * product), where ListUnitPrice = Σ SKU cost / Σ quantity over the hour's lines, i.e. the
 * quantity-weighted mean of the price book's window prices (a time-of-use tariff or a price
 * series changes it within an hour). ContractedCost = EffectiveCost = BilledCost apply each
 * line's lane discount (EffectiveCost / ListCost of the line) to the SKU's share of the line.
 * A row with zero quantity has unit price 0.
 *
 * x_ measures (energy, GPU seconds, tokens, requests, carbon, coverage) sit on the kWh row
 * only; the GPU-Hours row carries 0 (x_Coverage: null), so summing any x_ column over an
 * export counts each line once.
 */
import { currentLinesSql } from "../../store/duckdb/selection.js";
import type { LineFilter } from "../../store/types.js";

/** Fixed values of one export (from collector config and agent site metadata). */
export interface FocusConstants {
  providerName: string;
  billingAccountId: string;
  billingAccountName: string;
  invoiceIssuerName: string;
  serviceName: string;
  /** RegionName by metro when agents did not report one. */
  regionNames: Record<string, string>;
}

const SUMS = `sum("x_GpuEnergyJ") AS gpu_j, sum("x_IdleEnergyJ") AS idle_j, sum("x_HostEnergyJ") AS host_j,
  sum("x_FacilityEnergyJ") AS facility_j, sum("x_GpuSeconds") AS gpu_s,
  sum("x_PromptTokens") AS prompt, sum("x_CachedTokens") AS cached, sum("x_GenerationTokens") AS gen,
  sum("x_Requests") AS requests, sum("x_CarbonG") AS carbon_g,
  sum("x_EnergyCost") AS energy_cost, sum("x_GpuTimeCost") AS gpu_cost,
  sum(CASE WHEN "ListCost" > 0 THEN "x_EnergyCost" * "EffectiveCost" / "ListCost" ELSE 0 END) AS energy_eff,
  sum(CASE WHEN "ListCost" > 0 THEN "x_GpuTimeCost" * "EffectiveCost" / "ListCost" ELSE 0 END) AS gpu_eff`;

const GROUP = `"x_AgentId", "ResourceId", "x_GpuModel", "x_Workload", "x_Model", "SubAccountId", "RegionId",
  "AvailabilityZone", "x_Rack", "x_Lane", "x_SovereigntyZone", "BillingCurrency", "x_PriceVersion"`;

const RESUM = `sum(gpu_j) AS gpu_j, sum(idle_j) AS idle_j, sum(host_j) AS host_j, sum(facility_j) AS facility_j,
  sum(gpu_s) AS gpu_s, sum(prompt) AS prompt, sum(cached) AS cached, sum(gen) AS gen,
  sum(requests) AS requests, sum(carbon_g) AS carbon_g, sum(energy_cost) AS energy_cost,
  sum(gpu_cost) AS gpu_cost, sum(energy_eff) AS energy_eff, sum(gpu_eff) AS gpu_eff`;

function lit(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Typed rows (TIMESTAMP, DOUBLE, VARCHAR) in FOCUS column names; the caller formats them
 * per file type. Time columns are naive TIMESTAMPs holding UTC.
 */
export function focusRowsSql(filter: LineFilter, k: FocusConstants): string {
  const regionCases = Object.entries(k.regionNames)
    .map(([metro, name]) => `WHEN ${lit(metro)} THEN ${lit(name)}`)
    .join(" ");
  const regionFallback =
    regionCases === "" ? `g."RegionId"` : `CASE g."RegionId" ${regionCases} ELSE g."RegionId" END`;
  return `WITH lines AS (${currentLinesSql(filter)}),
per_window AS (
  SELECT ${GROUP}, "ChargePeriodStart" AS ws, max("ChargePeriodEnd") AS we,
    any_value("x_Coverage") * epoch(max("ChargePeriodEnd") - "ChargePeriodStart") AS covered_s,
    ${SUMS}
  FROM lines GROUP BY ${GROUP}, "ChargePeriodStart"
),
g AS (
  SELECT ${GROUP}, date_trunc('hour', ws) AS hour,
    greatest(date_trunc('hour', ws) + INTERVAL 1 HOUR, max(we)) AS period_end,
    sum(covered_s) / epoch(greatest(date_trunc('hour', ws) + INTERVAL 1 HOUR, max(we)) - date_trunc('hour', ws)) AS coverage,
    ${RESUM}
  FROM per_window GROUP BY ${GROUP}, date_trunc('hour', ws)
),
site AS (
  SELECT agent_id, json_extract_string(site, '$.regionName') AS region_name,
    json_extract_string(site, '$.provider') AS provider
  FROM agents
),
sku AS (
  SELECT g.*, s.region_name, 'energy' AS sku, facility_j / 3.6e6 AS qty, energy_cost AS cost, energy_eff AS eff
  FROM g LEFT JOIN site s ON s.agent_id = g."x_AgentId"
  UNION ALL
  SELECT g.*, s.region_name, 'gpu' AS sku, gpu_s / 3600 AS qty, gpu_cost AS cost, gpu_eff AS eff
  FROM g LEFT JOIN site s ON s.agent_id = g."x_AgentId" WHERE gpu_s > 0 OR gpu_cost > 0
),
priced AS (
  SELECT *, CASE WHEN qty > 0 THEN cost / qty ELSE 0 END AS unit_price,
    CASE WHEN qty > 0 THEN eff / qty ELSE 0 END AS contracted_unit_price
  FROM sku
)
SELECT
  NULLIF(g."AvailabilityZone", '') AS "AvailabilityZone",
  g.contracted_unit_price * g.qty AS "BilledCost",
  ${lit(k.billingAccountId)} AS "BillingAccountId",
  ${lit(k.billingAccountName)} AS "BillingAccountName",
  g."BillingCurrency" AS "BillingCurrency",
  date_trunc('month', g.hour) + INTERVAL 1 MONTH AS "BillingPeriodEnd",
  date_trunc('month', g.hour) AS "BillingPeriodStart",
  'Usage' AS "ChargeCategory",
  CAST(NULL AS VARCHAR) AS "ChargeClass",
  CASE g.sku WHEN 'gpu' THEN 'GPU time of ' || g."x_GpuModel" ELSE 'Facility energy of GPU ' || g."ResourceId" END
    || ' for workload ' || CASE WHEN g."x_Workload" = '' THEN '(unassigned)' ELSE g."x_Workload" END AS "ChargeDescription",
  'Usage-Based' AS "ChargeFrequency",
  g.period_end AS "ChargePeriodEnd",
  g.hour AS "ChargePeriodStart",
  g.qty AS "ConsumedQuantity",
  CASE g.sku WHEN 'gpu' THEN 'GPU-Hours' ELSE 'kWh' END AS "ConsumedUnit",
  g.contracted_unit_price * g.qty AS "ContractedCost",
  g.contracted_unit_price AS "ContractedUnitPrice",
  g.contracted_unit_price * g.qty AS "EffectiveCost",
  -- tokenwatt meters, it does not invoice: no invoice id exists for these charges.
  CAST(NULL AS VARCHAR) AS "InvoiceId",
  ${lit(k.invoiceIssuerName)} AS "InvoiceIssuerName",
  g.unit_price * g.qty AS "ListCost",
  g.unit_price AS "ListUnitPrice",
  'Standard' AS "PricingCategory",
  g.qty AS "PricingQuantity",
  CASE g.sku WHEN 'gpu' THEN 'GPU-Hours' ELSE 'kWh' END AS "PricingUnit",
  ${lit(k.providerName)} AS "ProviderName",
  ${lit(k.providerName)} AS "PublisherName",
  NULLIF(g."RegionId", '') AS "RegionId",
  NULLIF(coalesce(NULLIF(g.region_name, ''), ${regionFallback}), '') AS "RegionName",
  g."ResourceId" AS "ResourceId",
  g."x_GpuModel" || ' on ' || g."x_AgentId" AS "ResourceName",
  'GPU' AS "ResourceType",
  'AI and Machine Learning' AS "ServiceCategory",
  ${lit(k.serviceName)} AS "ServiceName",
  'Generative AI' AS "ServiceSubcategory",
  CASE g.sku WHEN 'gpu' THEN 'gpu-hours:' || g."x_GpuModel" ELSE 'energy:kwh' END AS "SkuId",
  CASE g.sku WHEN 'gpu' THEN 'GPU Time' ELSE 'Facility Energy' END AS "SkuMeter",
  CAST(CASE g.sku
    WHEN 'gpu' THEN json_object('GpuCount', 1, 'x_GpuModel', g."x_GpuModel", 'x_Lane', g."x_Lane", 'x_PriceVersion', g."x_PriceVersion")
    ELSE json_object('x_Lane', g."x_Lane", 'x_PriceVersion', g."x_PriceVersion") END AS VARCHAR) AS "SkuPriceDetails",
  CASE g.sku WHEN 'gpu' THEN 'gpu-hours:' || g."x_GpuModel" ELSE 'energy:kwh' END
    || ':' || g."RegionId" || ':' || g."x_Lane" || ':' || g."x_PriceVersion" AS "SkuPriceId",
  NULLIF(g."SubAccountId", '') AS "SubAccountId",
  NULLIF(g."SubAccountId", '') AS "SubAccountName",
  CAST(CASE WHEN g."x_Model" = '' THEN json_object('workload', g."x_Workload", 'lane', g."x_Lane", 'rack', g."x_Rack")
    ELSE json_object('workload', g."x_Workload", 'model', g."x_Model", 'lane', g."x_Lane", 'rack', g."x_Rack") END AS VARCHAR) AS "Tags",
  g."x_AgentId" AS "x_AgentId",
  g."x_GpuModel" AS "x_GpuModel",
  g."x_Workload" AS "x_Workload",
  g."x_Model" AS "x_Model",
  g."x_Rack" AS "x_Rack",
  g."x_Lane" AS "x_Lane",
  g."x_SovereigntyZone" AS "x_SovereigntyZone",
  g."x_PriceVersion" AS "x_PriceVersion",
  ${measure("gpu_j", "x_GpuEnergyJ")},
  ${measure("idle_j", "x_IdleEnergyJ")},
  ${measure("host_j", "x_HostEnergyJ")},
  ${measure("facility_j", "x_FacilityEnergyJ")},
  ${measure("gpu_s", "x_GpuSeconds")},
  ${measure("prompt", "x_PromptTokens")},
  ${measure("cached", "x_CachedTokens")},
  ${measure("gen", "x_GenerationTokens")},
  ${measure("requests", "x_Requests")},
  ${measure("carbon_g", "x_CarbonG")},
  CASE g.sku WHEN 'energy' THEN g.coverage END AS "x_Coverage"
FROM priced g
ORDER BY g.hour, g."RegionId", g."x_AgentId", g."ResourceId", g."x_Workload", g."SubAccountId", g.sku`;
}

function measure(source: string, column: string): string {
  return `CASE g.sku WHEN 'energy' THEN g.${source} ELSE 0 END AS "${column}"`;
}
