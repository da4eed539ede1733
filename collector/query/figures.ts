/**
 * The query API's figures. Each is grouped sums from the store (one price version per
 * GPU-window, see docs/query-api.md) turned into a figure; derived figures come from the
 * kernel's `derive`, so the collector and the agent compute them the same way. Money is never
 * summed across currencies: spend figures and cost per 1M tokens group by currency.
 */
import type { Aggregates, Derived, Kernel } from "../../kernel/src/types.js";
import { type AggregateRow, type QueryDimension, ROLLUP_DIMENSIONS } from "../store/types.js";
import type { SovereigntyPolicies } from "./config.js";

export interface FigureRow {
  keys: Partial<Record<QueryDimension, string>>;
  /** null where the figure has no denominator (no tokens, no energy, no requests). */
  values: Record<string, number | null>;
  /** sovereignty-hit-rate only: the tenant's allowed zones, null without a policy. */
  allowedZones?: string[] | null;
}

export interface FigureContext {
  kernel: Kernel;
  sovereignty: SovereigntyPolicies;
}

export interface FigureDef {
  name: string;
  description: string;
  /** Always grouped by these. */
  fixedBy: readonly QueryDimension[];
  /** What `by=` may add. */
  groupable: readonly QueryDimension[];
  compute(rows: readonly AggregateRow[], ctx: FigureContext): FigureRow[];
}

/** The rollup's dimensions: what a figure may be grouped by. */
const GROUPABLE: readonly QueryDimension[] = ROLLUP_DIMENSIONS;

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

function derived(kernel: Kernel, rows: readonly AggregateRow[]): Derived {
  const col = (f: (r: AggregateRow) => number) => Float64Array.from(rows, f);
  const agg: Aggregates = {
    prompt: col((r) => r.totals.promptTokens),
    cached: col((r) => r.totals.cachedTokens),
    gen: col((r) => r.totals.generationTokens),
    requests: col((r) => r.totals.requests),
    facilityEnergyJ: col((r) => r.totals.facilityEnergyJ),
    usageFacilityEnergyJ: col((r) => r.totals.usageFacilityEnergyJ),
    effectiveCost: col((r) => r.totals.effectiveCost),
    carbonG: col((r) => r.totals.carbonG),
  };
  return kernel.derive(agg);
}

const tokens = (r: AggregateRow) => r.totals.promptTokens + r.totals.generationTokens;

function derivedFigure(
  name: string,
  description: string,
  figure: keyof Derived,
  inputs: (r: AggregateRow) => Record<string, number>,
  fixedBy: readonly QueryDimension[] = [],
): FigureDef {
  return {
    name,
    description,
    fixedBy,
    groupable: GROUPABLE,
    compute: (rows, ctx) => {
      const d = derived(ctx.kernel, rows);
      return rows.map((r, i) => ({
        keys: r.keys,
        values: { [figure]: num(d[figure][i]), ...inputs(r) },
      }));
    },
  };
}

function spendFigure(name: string, description: string, dim: QueryDimension): FigureDef {
  return {
    name,
    description,
    fixedBy: [dim, "currency"],
    groupable: [],
    compute: (rows) => {
      const total = new Map<string, number>();
      for (const r of rows) {
        const c = r.keys.currency ?? "";
        total.set(c, (total.get(c) ?? 0) + r.totals.effectiveCost);
      }
      return [...rows]
        .sort((a, b) => b.totals.effectiveCost - a.totals.effectiveCost)
        .map((r) => {
          const t = total.get(r.keys.currency ?? "") ?? 0;
          return {
            keys: r.keys,
            values: {
              effectiveCost: r.totals.effectiveCost,
              listCost: r.totals.listCost,
              share: t > 0 ? r.totals.effectiveCost / t : null,
              facilityEnergyJ: r.totals.facilityEnergyJ,
              tokens: tokens(r),
            },
          };
        });
    },
  };
}

const sovereignty: FigureDef = {
  name: "sovereignty-hit-rate",
  description: "share of each tenant's tokens served in sovereignty zones its policy allows",
  fixedBy: ["tenant", "sovereigntyZone"],
  groupable: [],
  compute: (rows, ctx) => {
    const per = new Map<string, { total: number; allowed: number }>();
    for (const r of rows) {
      const tenant = r.keys.tenant ?? "";
      const zones = ctx.sovereignty[tenant];
      const t = per.get(tenant) ?? { total: 0, allowed: 0 };
      t.total += tokens(r);
      if (zones?.includes(r.keys.sovereigntyZone ?? "")) t.allowed += tokens(r);
      per.set(tenant, t);
    }
    return [...per]
      .filter(([tenant, t]) => tenant !== "" && t.total > 0)
      .map(([tenant, t]) => {
        const zones = ctx.sovereignty[tenant];
        return {
          keys: { tenant },
          values: {
            hitRate: zones === undefined ? null : t.allowed / t.total,
            tokens: t.total,
            tokensInAllowedZones: zones === undefined ? null : t.allowed,
          },
          allowedZones: zones === undefined ? null : [...zones],
        };
      });
  },
};

export const FIGURES: readonly FigureDef[] = [
  derivedFigure(
    "tokens-per-second-per-mw",
    "tokens (prompt + generated) per second per MW of facility power",
    "tokensPerSecondPerMw",
    (r) => ({ tokens: tokens(r), facilityEnergyJ: r.totals.facilityEnergyJ }),
  ),
  derivedFigure(
    "joules-per-token",
    "facility joules per token (prompt + generated)",
    "joulesPerToken",
    (r) => ({
      tokens: tokens(r),
      facilityEnergyJ: r.totals.facilityEnergyJ,
    }),
  ),
  derivedFigure(
    "cost-per-million-tokens",
    "effective cost per 1M tokens (prompt + generated), per currency",
    "costPerMillionTokens",
    (r) => ({ tokens: tokens(r), effectiveCost: r.totals.effectiveCost }),
    ["currency"],
  ),
  derivedFigure(
    "carbon-per-thousand-requests",
    "gCO2e (grid + embodied) per 1,000 requests",
    "carbonGPerThousandRequests",
    (r) => ({ requests: r.totals.requests, carbonG: r.totals.carbonG }),
  ),
  derivedFigure("cache-leverage", "cached prompt tokens / prompt tokens", "cacheLeverage", (r) => ({
    cachedTokens: r.totals.cachedTokens,
    promptTokens: r.totals.promptTokens,
  })),
  derivedFigure(
    "direct-allocation",
    "facility energy on usage lines (attributed by tokens) / all facility energy",
    "directAllocation",
    (r) => ({
      usageFacilityEnergyJ: r.totals.usageFacilityEnergyJ,
      facilityEnergyJ: r.totals.facilityEnergyJ,
    }),
  ),
  spendFigure("spend-by-metro", "effective cost per metro and currency, with its share", "metro"),
  spendFigure(
    "lane-mix",
    "effective cost per lane and currency, with its share (the lane mix by spend)",
    "lane",
  ),
  spendFigure(
    "spend-by-tenant",
    "effective cost per tenant and currency, with its share",
    "tenant",
  ),
  spendFigure(
    "spend-by-model",
    "effective cost per served model and currency, with its share",
    "model",
  ),
  sovereignty,
];

export function figureNamed(name: string): FigureDef | undefined {
  return FIGURES.find((f) => f.name === name);
}
