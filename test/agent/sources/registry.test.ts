import { describe, expect, it } from "vitest";
import { SourceConfigError } from "../../../agent/sources/common/errors.js";
import { createSource, SOURCE_KINDS } from "../../../agent/sources/registry.js";
import type { SourceConfig, SourceKind } from "../../../agent/sources/types.js";

const NO_URL: readonly SourceKind[] = ["nvidia-smi", "host-power"];
const SERIES: readonly SourceKind[] = ["facility-power", "carbon-intensity"];

const build = (config: Partial<SourceConfig>) => () =>
  createSource({ name: "s", kind: "vllm", ...config } as SourceConfig);

describe("createSource", () => {
  it.each(SOURCE_KINDS)("builds %s", (kind) => {
    const config: SourceConfig = {
      name: kind,
      kind,
      url: "http://127.0.0.1:9/metrics",
      metric: "m",
    };
    const source = createSource(config);
    expect(source.config).toBe(config);
    expect(typeof source.fetch).toBe("function");
    expect(source.parse("", 5)).toMatchObject({
      source: kind,
      timeMs: 5,
      gpus: [],
      tokens: [],
      series: [],
    });
  });

  it("an unknown kind names the kinds it knows", () => {
    expect(build({ kind: "vlm" as SourceKind })).toThrowError(SourceConfigError);
    expect(build({ kind: "vlm" as SourceKind })).toThrowError(
      /unknown kind "vlm"; expected one of dcgm, /,
    );
  });

  it.each(SOURCE_KINDS.filter((k) => !NO_URL.includes(k)))(
    "%s without url says which key is missing",
    (kind) => {
      const fn = build({ kind, metric: "m" });
      expect(fn).toThrowError(/sources\[\]\.url is required for kind/);
      try {
        fn();
      } catch (e) {
        expect(e).toMatchObject({ code: "TW_ERR_SOURCE_CONFIG", context: { source: "s" } });
      }
    },
  );

  it.each(SERIES)("%s without metric is refused", (kind) => {
    expect(build({ kind, url: "http://x/metrics" })).toThrowError(
      /sources\[\]\.metric is required/,
    );
  });

  it("rejects bad urls, units, selectors, timeouts and a missing name", () => {
    expect(build({ url: "ftp://x/metrics" })).toThrowError(/http:\/\/ or https:\/\//);
    expect(build({ url: "not a url" })).toThrowError(/not a valid URL/);
    expect(
      build({ kind: "facility-power", url: "http://x/m", metric: "p", unit: "MW" }),
    ).toThrowError(/unit "MW" is not one of W, kW/);
    expect(build({ kind: "facility-power", url: "http://x/m", metric: 'p{a=~"x"}' })).toThrowError(
      /only label="value"/,
    );
    expect(build({ url: "http://x/m", timeout_s: 0 })).toThrowError(/timeout_s must be a positive/);
    expect(build({ name: "", url: "http://x/m" })).toThrowError(/sources\[\]\.name is required/);
  });
});
