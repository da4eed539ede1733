/**
 * Agent overhead: a real `tokenwatt agent` process against the simulator (8 GPUs, 2 vLLM
 * workloads + a LiteLLM gateway = 3 token sources) at 1 s scrapes. Reports the agent's CPU
 * time as a fraction of one core and its peak RSS, read from /proc.
 *
 *   npm run bench:agent [-- --duration-s 300 --warmup-s 15]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../../simulate/start.js";
import { readAgentUnit } from "./service-unit.js";

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const durationS = arg("duration-s", 300);
const warmupS = arg("warmup-s", 15);
const cli = resolve(fileURLToPath(import.meta.url), "../../../cli/main.js");
// The node flags and environment of the shipped systemd unit (packaging/tokenwatt-agent.service),
// read from the unit itself so the bench measures what ships; TOKENWATT_AGENT_NODE_FLAGS
// overrides the flags for experiments.
const unit = readAgentUnit();
const AGENT_NODE_FLAGS = (
  process.env.TOKENWATT_AGENT_NODE_FLAGS?.split(" ") ?? unit.nodeFlags
).filter(Boolean);
const CLK_TCK = 100; // Linux USER_HZ

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

function statusKib(pid: number, key: string): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${key}:`));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tw-bench-agent-"));
  const sim = await startSimulator({ gpus: 8, workloads: 2, tenants: 3, seed: 11 });
  const configPath = join(dir, "agent.yaml");
  writeFileSync(
    configPath,
    sim.agentConfig({
      windowS: 60,
      scrapeIntervalS: 1,
      listen: "127.0.0.1:0",
      spoolDir: join(dir, "spool"),
      sink: join(dir, "lines.ndjson"),
    }),
  );
  // The V8 flags the shipped systemd unit uses (packaging/tokenwatt-agent.service).
  const child = spawn(
    process.execPath,
    [...AGENT_NODE_FLAGS, cli, "agent", "--config", configPath],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, ...unit.env },
    },
  );
  const pid = child.pid!;
  process.stderr.write(`agent flags: ${AGENT_NODE_FLAGS.join(" ") || "(none)"}\n`);
  process.stderr.write(`agent pid ${pid}; warm-up ${warmupS} s, then measuring ${durationS} s\n`);
  await sleep(warmupS * 1000);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let peakRssKib = 0;
  for (let s = 0; s < durationS; s++) {
    await sleep(1000);
    peakRssKib = Math.max(peakRssKib, statusKib(pid, "VmRSS"));
    if (s % 30 === 29)
      process.stderr.write(
        `  ${s + 1}/${durationS} s, rss ${(peakRssKib / 1024).toFixed(1)} MiB\n`,
      );
  }
  const cpu1 = cpuSeconds(pid);
  const wallS = (performance.now() - t0) / 1000;
  const hwmKib = statusKib(pid, "VmHWM");
  child.kill("SIGTERM");
  await new Promise((r) => child.on("close", r));
  await sim.shutdown();
  let lines = 0;
  try {
    lines = readFileSync(join(dir, "lines.ndjson"), "utf8")
      .trim()
      .split("\n")
      .filter(Boolean).length;
  } catch {
    // no window finished (a run shorter than a window)
  }
  const cpuFraction = (cpu1 - cpu0) / wallS;
  const rssMib = Math.max(peakRssKib, hwmKib) / 1024;
  const rows: [string, string, string][] = [
    ["cpu (fraction of one core)", cpuFraction.toFixed(5), "≤ 0.005"],
    ["peak RSS (MiB, VmHWM)", rssMib.toFixed(1), "≤ 64"],
    ["measured wall (s)", wallS.toFixed(0), `≥ 300`],
    ["usage lines written", String(lines), ""],
  ];
  console.log("metric                       value      target");
  for (const [k, v, t] of rows) console.log(`${k.padEnd(28)} ${v.padEnd(10)} ${t}`);
  console.log(
    JSON.stringify({
      cpu_fraction_of_core: Number(cpuFraction.toFixed(5)),
      rss_mib: Number(rssMib.toFixed(1)),
      duration_s: Math.round(wallS),
    }),
  );
}

main().catch((err: Error) => {
  process.stderr.write(`bench:agent failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
