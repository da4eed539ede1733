import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkKeyValue } from "../../../../collector/export/focus/check/key-value.js";
import { checkUnit } from "../../../../collector/export/focus/check/units.js";
import { type CheckReport, checkFocus } from "../../../../collector/export/focus/check.js";

const repoRoot = resolve(import.meta.dirname, "../../../..");
const miniModel = join(repoRoot, "test/fixtures/focus/mini-model.json");
const dir = mkdtempSync(join(tmpdir(), "tw-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER =
  "BillingAccountName,ChargeCategory,ChargeClass,ChargePeriodStart,ListCost,ListUnitPrice,PricingQuantity,RegionName,x_Note";

async function check(
  rows: string[],
  header = HEADER,
  criteria = ["REGION_SUPPORTED"],
): Promise<CheckReport> {
  const file = join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(file, [header, ...rows].join("\n") + "\n");
  const out = await checkFocus(file, { modelPath: miniModel, criteria });
  if (!out.ok) throw out.error;
  return out.report;
}

const status = (r: CheckReport, id: string) => r.results.find((x) => x.ruleId === id)?.status;

describe("checkFocus evaluator (hand-written model)", () => {
  const good = "acme,Usage,,2025-06-01T06:00:00Z,0.42,2.1,0.2,Frankfurt,a";

  it("passes a conforming file and reports every rule", async () => {
    const r = await check([good, "acme,Purchase,,2025-06-01T07:00:00Z,0,0,0,Frankfurt,b"]);
    expect(r.ok).toBe(true);
    expect(r.results).toHaveLength(9);
    expect(status(r, "ListCost-C-001-M")).toBe("pass");
    expect(status(r, "DateTimeFormat-A-006-M")).toBe("pass");
    expect(status(r, "Tags-C-009-M")).toBe("not-applicable");
  });

  it("fails a wrong product, naming the rule, but not on a Correction row", async () => {
    const r = await check([good, "acme,Usage,,2025-06-01T06:00:00Z,0.5,2.1,0.2,Frankfurt,a"]);
    expect(status(r, "ListCost-C-001-M")).toBe("fail");
    expect(r.results.find((x) => x.ruleId === "ListCost-C-001-M")?.violations).toBe(1);
    expect(status(r, "Root-D-000-M")).toBe("fail");
    const corr = await check([
      good,
      "acme,Usage,Correction,2025-06-01T06:00:00Z,0.5,2.1,0.2,Frankfurt,a",
    ]);
    expect(status(corr, "ListCost-C-001-M")).toBe("pass");
  });

  it("inherits a composite's condition: rows with a null unit price are not checked", async () => {
    const r = await check([good, "acme,Usage,,2025-06-01T06:00:00Z,0.5,,0.2,Frankfurt,a"]);
    expect(status(r, "ListCost-C-001-M")).toBe("pass");
  });

  it("fails bad date/times, missing columns, and warns on SHOULD", async () => {
    const r = await check(["acme,Tax,,2025-06-01 06:00:00,0.42,2.1,0.2,Frankfurt,a"]);
    expect(status(r, "ListCost-C-002-M")).toBe("fail");
    expect(status(r, "DateTimeFormat-A-006-M")).toBe("fail");
    expect(status(r, "ListCost-C-003-O")).toBe("warn");
    const missing = await check(
      ["Usage,,2025-06-01T06:00:00Z,0.42,2.1,0.2,Frankfurt,a"],
      HEADER.replace("BillingAccountName,", ""),
    );
    expect(status(missing, "Presence-D-001-M")).toBe("fail");
  });

  it("applies conditional rules only when their criteria are claimed", async () => {
    const noRegion = HEADER.replace(",RegionName", "");
    const row = "acme,Usage,,2025-06-01T06:00:00Z,0.42,2.1,0.2,a";
    expect(status(await check([row], noRegion), "Region-C-000-C")).toBe("fail");
    expect(status(await check([row], noRegion, []), "Region-C-000-C")).toBe("not-applicable");
  });
});

describe("format helpers", () => {
  it("judges FOCUS units", () => {
    for (const ok of [
      "GPU-Hours",
      "kWh",
      "Tokens",
      "1000 Tokens",
      "GB/Hour",
      "Requests/3 Months",
      "GB-Hours",
    ]) {
      expect(checkUnit(ok), ok).toEqual({ form: true, casing: true, recommended: true });
    }
    expect(checkUnit("gigabyte-seconds").casing).toBe(false);
    expect(checkUnit("hours").casing).toBe(false);
    expect(checkUnit("GB-Hour").form).toBe(false);
    expect(checkUnit("GPU per hour").form).toBe(false);
  });

  it("judges key-value objects", () => {
    expect(checkKeyValue('{"a":1,"b":"x","c":null}')).toEqual({
      object: true,
      uniqueKeys: true,
      scalarValues: true,
    });
    expect(checkKeyValue('{"a":1,"a":2}').uniqueKeys).toBe(false);
    expect(checkKeyValue('{"a":{"b":1}}').scalarValues).toBe(false);
    expect(checkKeyValue("[1]").object).toBe(false);
    expect(checkKeyValue("a=b").object).toBe(false);
  });
});
