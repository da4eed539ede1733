import { describe, expect, it } from "vitest";
import { ConfigError, parseAgentConfig } from "../../../agent/config/index.js";

const SOURCES = [
  "sources:",
  "  - { name: dcgm, kind: dcgm, url: 'http://127.0.0.1:9400/metrics' }",
  "  - { name: vllm-a, kind: vllm, url: 'http://127.0.0.1:8000/metrics' }",
  "  - { name: gateway, kind: litellm, url: 'http://127.0.0.1:4000/metrics' }",
  "  - { name: grid, kind: carbon-intensity, url: 'http://grid/metrics', metric: g }",
].join("\n");

function base(parts: {
  agent?: string;
  extra?: string;
  sources?: string;
  workloads?: string;
}): string {
  return [
    `agent: { id: h1, sink: /tmp/u.ndjson${parts.agent ?? ""} }`,
    parts.sources ?? SOURCES,
    parts.workloads ??
      "workloads:\n  - { name: w, tokens: vllm-a, gpus: [0, 1], tenants: { source: gateway } }",
    parts.extra ?? "",
  ].join("\n");
}

function issues(text: string): { path: string; message: string }[] {
  try {
    parseAgentConfig(text, "x.yaml");
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => ({ path: i.path, message: i.message }));
  }
  return [];
}

describe("cross-field rules", () => {
  it("the base config is valid", () => {
    expect(issues(base({}))).toEqual([]);
  });

  const cases: [string, Parameters<typeof base>[0], string, RegExp][] = [
    [
      "tokens must name a source",
      { workloads: "workloads:\n  - { name: w, tokens: nope, gpus: [0] }" },
      "workloads[0].tokens",
      /no source named "nope"\. Allowed: vllm-a, gateway/,
    ],
    [
      "tokens must name a token source",
      { workloads: "workloads:\n  - { name: w, tokens: grid, gpus: [0] }" },
      "workloads[0].tokens",
      /kind carbon-intensity, not a token source/,
    ],
    [
      "tenants.source must name a litellm source",
      {
        workloads:
          "workloads:\n  - { name: w, tokens: vllm-a, gpus: [0], tenants: { source: vllm-a } }",
      },
      "workloads[0].tenants.source",
      /not a source of kind litellm\. Allowed: gateway/,
    ],
    [
      "gpus entries are indices or GPU- UUIDs",
      { workloads: "workloads:\n  - { name: w, tokens: vllm-a, gpus: [-1] }" },
      "workloads[0].gpus[0]",
      /must be >= 0; got -1/,
    ],
    [
      "gpus UUID form",
      { workloads: "workloads:\n  - { name: w, tokens: vllm-a, gpus: ['MIG-abc', 1.5] }" },
      "workloads[0].gpus[0]",
      /NVML UUID/,
    ],
    [
      "a GPU listed twice",
      {
        workloads:
          "workloads:\n  - { name: w, tokens: vllm-a, gpus: ['GPU-0a1b2c3d-0000-1111-2222-333344445555', 'GPU-0A1B2C3D-0000-1111-2222-333344445555'] }",
      },
      "workloads[0].gpus[1]",
      /listed twice/,
    ],
    [
      "window_s divides 86400",
      { agent: ", window_s: 7" },
      "agent.window_s",
      /must divide 86400; got 7/,
    ],
    ["window_s is an integer", { agent: ", window_s: 0.5" }, "agent.window_s", /integer/],
    [
      "max_gap_s >= scrape_interval_s",
      { agent: ", scrape_interval_s: 5, max_gap_s: 4" },
      "agent.max_gap_s",
      /must be >= scrape_interval_s \(5\); got 4/,
    ],
    [
      "scrape_interval_s <= window_s",
      { agent: ", window_s: 10, scrape_interval_s: 15" },
      "agent.scrape_interval_s",
      /must be <= window_s/,
    ],
    [
      "lane in the allowed set",
      { extra: "site: { lane: spot }" },
      "site.lane",
      /Allowed: public, reserved, regional, colocated, sovereign/,
    ],
    [
      "energy_per_kwh XOR energy_schedule",
      {
        extra:
          "prices:\n  timezone: UTC\n  energy_per_kwh: 0.1\n  energy_schedule: [{ from: '00:00', to: '00:00', per_kwh: 0.1 }]",
      },
      "prices.energy_schedule",
      /not both/,
    ],
    [
      "energy_schedule needs timezone",
      { extra: "prices:\n  energy_schedule: [{ from: '06:00', to: '06:00', per_kwh: 0.1 }]" },
      "prices.timezone",
      /required with energy_schedule/,
    ],
    [
      "timezone is an IANA name",
      { extra: "prices:\n  timezone: Mars/Olympus" },
      "prices.timezone",
      /unknown IANA time zone/,
    ],
    [
      "schedule covers the day",
      {
        extra:
          "prices:\n  timezone: Europe/Berlin\n  energy_schedule: [{ from: '07:00', to: '22:00', per_kwh: 0.2 }, { from: '23:00', to: '07:00', per_kwh: 0.1 }]",
      },
      "prices.energy_schedule",
      /does not cover 22:00-23:00/,
    ],
    [
      "schedule periods do not overlap",
      {
        extra:
          "prices:\n  timezone: Europe/Berlin\n  energy_schedule: [{ from: '07:00', to: '22:00', per_kwh: 0.2 }, { from: '21:00', to: '07:00', per_kwh: 0.1 }]",
      },
      "prices.energy_schedule",
      /overlap at 21:00-22:00/,
    ],
    [
      "carbon_source names a carbon-intensity source",
      { extra: "prices: { carbon_source: dcgm }" },
      "prices.carbon_source",
      /not a source of kind carbon-intensity\. Allowed: grid/,
    ],
    [
      "source kind from SourceKind",
      { sources: "sources:\n  - { name: x, kind: prometheus, url: 'http://h/metrics' }" },
      "sources[0].kind",
      /Allowed: dcgm, nvidia-gpu-exporter, nvidia-smi, vllm/,
    ],
    [
      "url required for HTTP kinds",
      { sources: `${SOURCES}\n  - { name: t, kind: tgi }` },
      "sources[4].url",
      /required for kind tgi/,
    ],
    [
      "nvidia-smi takes no url",
      { sources: `${SOURCES}\n  - { name: s, kind: nvidia-smi, url: 'http://h/' }` },
      "sources[4].url",
      /not used by kind nvidia-smi/,
    ],
    [
      "metric required for facility-power",
      { sources: `${SOURCES}\n  - { name: c, kind: facility-power, url: 'http://cdu/metrics' }` },
      "sources[4].metric",
      /required for kind facility-power/,
    ],
    [
      "unique source names",
      { sources: `${SOURCES}\n  - { name: dcgm, kind: nvidia-smi }` },
      "sources[4].name",
      /duplicate source name "dcgm" \(also sources\[0\]\)/,
    ],
    [
      "unique workload names",
      {
        workloads:
          "workloads:\n  - { name: w, tokens: vllm-a, gpus: [0] }\n  - { name: w, tokens: vllm-a, gpus: [1] }",
      },
      "workloads[1].name",
      /duplicate workload name "w"/,
    ],
    [
      "collector.urls non-empty",
      { extra: "collector: { urls: [], tls: {} }" },
      "collector.urls",
      /at least 1 entry/,
    ],
    [
      "collector.urls entries are host:port",
      { extra: "collector: { urls: ['collector.example.net'] }" },
      "collector.urls[0]",
      /expected host:port/,
    ],
    [
      "mTLS needs cert and key",
      { extra: "collector: { urls: ['c:4317'], tls: { cert: /a.pem } }" },
      "collector.tls.key",
      /both cert and key/,
    ],
    [
      "no bearer token over plaintext",
      { extra: "collector: { urls: ['c:4317'], allow_plaintext: true, token_file: /t }" },
      "collector.token_file",
      /only sent over TLS/,
    ],
  ];

  it.each(cases)("%s", (_name, parts, path, message) => {
    const found = issues(base(parts));
    expect(found.map((i) => i.path)).toContain(path);
    expect(found.find((i) => i.path === path)?.message).toMatch(message);
  });

  it("requires a collector unless agent.sink is set", () => {
    const text = base({}).replace(", sink: /tmp/u.ndjson", "");
    expect(issues(text)).toEqual([
      { path: "collector", message: expect.stringMatching(/^required/) },
    ]);
    expect(issues(`${text}\ncollector: { urls: ['c:4317'] }`)).toEqual([]);
  });

  it("accepts a valid time-of-use schedule that wraps midnight", () => {
    const cfg = parseAgentConfig(
      base({
        extra:
          "prices:\n  timezone: Europe/Berlin\n  energy_schedule: [{ from: '07:00', to: '22:00', per_kwh: 0.18 }, { from: '22:00', to: '07:00', per_kwh: 0.09 }]",
      }),
      "x.yaml",
    );
    expect(cfg.prices.energy_per_kwh).toBeUndefined();
    expect(cfg.prices.energy_schedule).toHaveLength(2);
  });
});
