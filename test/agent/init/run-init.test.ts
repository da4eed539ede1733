import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseAgentConfig } from "../../../agent/config/load.js";
import { parseGpuList } from "../../../agent/init/nvidia-smi-gpus.js";
import { runInit } from "../../../agent/init/run-init.js";

const H100 = "NVIDIA H100 80GB HBM3";
const UUIDS = [
  "GPU-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
  "GPU-1a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
];

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A loopback HTTP server answering every GET with `body`; resolves to its port. */
async function fakeExporter(body: string, status = 200): Promise<number> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

/** A port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function tmp(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "tw-init-"));
}

async function fakeSmi(dir: string, script: string): Promise<string> {
  const file = path.join(dir, "nvidia-smi");
  await writeFile(file, `#!/bin/sh\n${script}\n`);
  await chmod(file, 0o755);
  return file;
}

const SMI_TWO_GPUS = `[ "$1" = "--query-gpu=index,uuid,name" ] || exit 3
echo "0, ${UUIDS[0]}, ${H100}"
echo "1, ${UUIDS[1]}, ${H100}"`;

const DCGM_BODY = `# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
# TYPE DCGM_FI_DEV_POWER_USAGE gauge
DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="${UUIDS[0]}",device="nvidia0",modelName="${H100}",Hostname="h"} 70.1
DCGM_FI_DEV_POWER_USAGE{gpu="1",UUID="${UUIDS[1]}",device="nvidia1",modelName="${H100}",Hostname="h"} 70.2
`;
const VLLM_BODY = `# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{engine="0",model_name="meta-llama/Llama-3.1-70B-Instruct"} 5.0
`;

describe("runInit", () => {
  it("configures dcgm and a vLLM workload over all GPUs", async () => {
    const dir = await tmp();
    const file = path.join(dir, "etc", "agent.yaml");
    const result = await runInit({
      path: file,
      hostname: "gpu host 7",
      nvidiaSmi: await fakeSmi(dir, SMI_TWO_GPUS),
      ports: {
        dcgm: await fakeExporter(DCGM_BODY),
        "nvidia-gpu-exporter": await closedPort(),
        vllm: await fakeExporter(VLLM_BODY),
      },
      probeTimeoutMs: 1000,
    });
    expect(result.status).toBe("written");
    const cfg = parseAgentConfig(await readFile(file, "utf8"), file);
    expect(cfg.agent.id).toBe("gpu-host-7");
    expect(cfg.sources.map((s) => [s.name, s.kind])).toEqual([
      ["dcgm", "dcgm"],
      ["vllm", "vllm"],
    ]);
    expect(cfg.workloads).toEqual([
      expect.objectContaining({
        name: "llama-3.1-70b-instruct",
        tokens: "vllm",
        model: "meta-llama/Llama-3.1-70B-Instruct",
        gpus: [0, 1],
      }),
    ]);
    expect(await readFile(file, "utf8")).toContain(`1  ${UUIDS[1]}  ${H100}`);
  });

  it("falls back to an nvidia-smi source when no GPU exporter answers", async () => {
    const dir = await tmp();
    const file = path.join(dir, "agent.yaml");
    const smi = await fakeSmi(dir, SMI_TWO_GPUS);
    const result = await runInit({
      path: file,
      hostname: "h1",
      nvidiaSmi: smi,
      // dcgm port answers, but not with DCGM metrics; vLLM answers 503.
      ports: {
        dcgm: await fakeExporter("hello"),
        "nvidia-gpu-exporter": await closedPort(),
        vllm: await fakeExporter(VLLM_BODY, 503),
      },
      probeTimeoutMs: 1000,
    });
    expect(result.status).toBe("written");
    const cfg = parseAgentConfig(await readFile(file, "utf8"), file);
    expect(cfg.sources).toEqual([
      expect.objectContaining({ name: "smi", kind: "nvidia-smi", command: smi }),
    ]);
    expect(cfg.workloads).toEqual([]);
  });

  it("writes a valid config on a host with nothing (no nvidia-smi, no exporters)", async () => {
    const dir = await tmp();
    const file = path.join(dir, "agent.yaml");
    const closed = await closedPort();
    const result = await runInit({
      path: file,
      hostname: "bare",
      nvidiaSmi: path.join(dir, "does-not-exist"),
      ports: { dcgm: closed, "nvidia-gpu-exporter": closed, vllm: closed },
      probeTimeoutMs: 300,
    });
    expect(result.status === "written" && result.discovery.nvidiaSmi).toBeFalsy();
    const cfg = parseAgentConfig(await readFile(file, "utf8"), file);
    expect(cfg.sources).toEqual([]);
  });

  it("uses the GPUs dcgm reports when nvidia-smi fails, and a slow exporter times out", async () => {
    const dir = await tmp();
    const file = path.join(dir, "agent.yaml");
    const slow = createServer(() => {}); // never answers
    servers.push(slow);
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const started = Date.now();
    const result = await runInit({
      path: file,
      hostname: "h2",
      nvidiaSmi: await fakeSmi(dir, "echo 'NVIDIA-SMI has failed' >&2; exit 9"),
      ports: {
        dcgm: await fakeExporter(DCGM_BODY),
        "nvidia-gpu-exporter": (slow.address() as AddressInfo).port,
        vllm: await fakeExporter(VLLM_BODY),
      },
      probeTimeoutMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    slow.closeAllConnections();
    const cfg = parseAgentConfig(await readFile(file, "utf8"), file);
    expect(result.status === "written" && result.discovery.nvidiaGpuExporterUrl).toBeFalsy();
    expect(cfg.workloads[0].gpus).toEqual([0, 1]);
  });

  it("never overwrites an existing file unless force", async () => {
    const dir = await tmp();
    const file = path.join(dir, "agent.yaml");
    await writeFile(file, "# mine\n");
    const closed = await closedPort();
    const opts = {
      path: file,
      hostname: "h3",
      nvidiaSmi: path.join(dir, "none"),
      ports: { dcgm: closed, "nvidia-gpu-exporter": closed, vllm: closed },
      probeTimeoutMs: 200,
    };
    expect(await runInit(opts)).toEqual({ status: "exists", path: file });
    expect(await readFile(file, "utf8")).toBe("# mine\n");
    expect((await runInit({ ...opts, force: true })).status).toBe("written");
    expect(parseAgentConfig(await readFile(file, "utf8"), file).agent.id).toBe("h3");
  });
});

describe("parseGpuList", () => {
  it("keeps names with commas and skips malformed lines", () => {
    expect(
      parseGpuList(
        `0, ${UUIDS[0]}, NVIDIA A100-SXM4-80GB, rev 2\n\nNo devices were found\n1, nope, X\n`,
      ),
    ).toEqual([{ index: 0, uuid: UUIDS[0], name: "NVIDIA A100-SXM4-80GB, rev 2" }]);
  });
});
