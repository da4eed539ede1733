import { describe, expect, it } from "vitest";
import { realisticBatch } from "../../../bench/wire/realistic-batch.js";
import { checkLine, validateLines } from "../../../collector/ingest/validate.js";
import type { UsageLine } from "../../../kernel/src/usage-line.js";

const { lines } = realisticBatch(1, 1, 1_767_225_600);
const scope = { agentId: lines[0].x_AgentId, maxStringLength: 64, latestStartS: 1_767_229_200 };
const bad = (patch: Partial<Record<keyof UsageLine, unknown>>) =>
  checkLine({ ...lines[0], ...patch } as UsageLine, scope)?.reason;

describe("line validation", () => {
  it("accepts the kernel's lines", () => {
    expect(validateLines(lines, scope).rejected).toEqual([]);
  });

  it("names the first broken rule", () => {
    expect(bad({ x_GpuEnergyJ: -0.5 })).toBe("negative");
    expect(bad({ x_CarbonG: Number.NaN })).toBe("not_finite");
    expect(bad({ x_Coverage: 1.01 })).toBe("coverage_range");
    expect(bad({ x_Lane: "moon" })).toBe("bad_lane");
    expect(bad({ x_LineKind: "spare" })).toBe("bad_line_kind");
    expect(bad({ BillingCurrency: "usd" })).toBe("bad_currency");
    expect(bad({ ChargePeriodStart: "2026-02-30T00:00:00Z" })).toBe("bad_time");
    expect(bad({ ChargePeriodEnd: "2026-01-01T00:00:07Z" })).toBe("bad_window");
    expect(
      bad({ ChargePeriodStart: "2027-01-01T00:00:00Z", ChargePeriodEnd: "2027-01-01T00:01:00Z" }),
    ).toBe("future_window");
    expect(bad({ ResourceId: "" })).toBe("missing_field");
    expect(bad({ x_Workload: "w".repeat(65) })).toBe("string_too_long");
    expect(bad({ x_AgentId: "someone-else" })).toBe("agent_mismatch");
    expect(bad({ x_IdleEnergyJ: lines[0].x_GpuEnergyJ * 2 + 1 })).toBe("inconsistent");
    expect(checkLine(lines[0], { ...scope, tenants: new Set(["nobody"]) })?.reason).toBe(
      "tenant_not_allowed",
    );
  });
});
