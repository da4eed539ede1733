import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import pino from "pino";
import { parse, stringify } from "yaml";
import { parseAgentConfig } from "../agent/config/index.js";
import { startAgent } from "../agent/start-agent.js";
import { Collector } from "../collector/collector.js";
import { loadCollectorConfig } from "../collector/config/load.js";
import { generateDevCerts, writeDevCerts } from "../collector/tls/dev-certs.js";
import { startSimulator } from "../simulate/start.js";
import { renderDemoTable } from "./demo-table.js";

export interface DemoOptions {
  /** Stop after this many seconds; 0 = until Ctrl-C. */
  durationS: number;
  /** Where the demo writes its database, configs, certificates and logs. */
  dir: string;
  windowS: number;
  refreshS: number;
  /** Redraw the table in place (a terminal) or append it (a pipe, a log). */
  redraw: boolean;
  out: (text: string) => void;
}

const AGENT_ID = "demo-host";

/**
 * The whole system on loopback: a simulated 8-GPU host (2 workloads, 3 tenants), an agent
 * shipping over mTLS with throwaway certificates, and a collector storing into DuckDB.
 */
export async function runDemo(o: DemoOptions, stopSignal: Promise<void>): Promise<void> {
  const dir = resolve(o.dir);
  await mkdir(dir, { recursive: true });
  const say = (s: string) => o.out(`${s}\n`);
  say(`tokenwatt demo: working in ${dir}`);
  say("  generating throwaway TLS certificates (CA, collector, agent)…");
  const certs = await writeDevCerts(join(dir, "tls"), generateDevCerts([AGENT_ID]));
  const logger = pino(
    { level: "info" },
    pino.destination({ dest: join(dir, "demo.log"), sync: false }),
  );

  const dbPath = join(dir, "collector.duckdb");
  const collectorYaml = join(dir, "collector.yaml");
  await writeFile(
    collectorYaml,
    stringify({
      listen: "127.0.0.1:0",
      metrics_listen: "127.0.0.1:0",
      tls: {
        cert: certs.serverCert,
        key: certs.serverKey,
        ca: certs.ca,
        require_client_cert: true,
      },
      store: { kind: "duckdb", path: dbPath },
    }),
  );
  const collector = new Collector({
    config: await loadCollectorConfig(collectorYaml),
    logger: logger.child({ name: "collector" }),
  });
  await collector.start();
  say(
    `  collector: gRPC ${collector.address} (mTLS), /metrics http://${collector.metricsAddress}/metrics`,
  );

  const sim = await startSimulator({ gpus: 8, workloads: 2, tenants: 3, seed: 42 });
  say(
    `  simulator: ${Object.entries(sim.urls)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
  );

  const agentDoc = parse(
    sim.agentConfig({
      agentId: AGENT_ID,
      windowS: o.windowS,
      listen: "127.0.0.1:0",
      spoolDir: join(dir, "spool"),
      collectorUrls: [collector.address],
    }),
  ) as Record<string, Record<string, unknown>>;
  agentDoc.agent.state_dir = join(dir, "state");
  agentDoc.collector = {
    urls: [collector.address],
    tls: { ca: certs.ca, cert: certs.agents[AGENT_ID].cert, key: certs.agents[AGENT_ID].key },
    batch_max_delay_s: Math.min(5, o.windowS),
  };
  const agentYaml = join(dir, "agent.yaml");
  const agentText = stringify(agentDoc);
  await writeFile(agentYaml, agentText);
  const agent = await startAgent({
    config: parseAgentConfig(agentText, agentYaml),
    logger: logger.child({ name: "agent" }),
    recordPath: join(dir, "capture.ndjson"),
  });
  say(
    `  agent: ${AGENT_ID}, ${o.windowS} s windows, /metrics http://${agent.listenAddress}/metrics`,
  );
  say(`  logs: ${join(dir, "demo.log")}\n`);

  const t0 = Date.now();
  let drawn = 0;
  const draw = async () => {
    const table = await renderDemoTable(
      agent.metrics.registry,
      collector.metrics.registry,
      (Date.now() - t0) / 1000,
    );
    if (o.redraw && drawn > 0) o.out(`\x1b[${drawn}A\x1b[J`);
    o.out(`${table}\n${o.redraw ? "" : "\n"}`);
    drawn = table.split("\n").length;
  };
  const timer = setInterval(() => void draw().catch(() => undefined), o.refreshS * 1000);
  const deadline =
    o.durationS > 0
      ? new Promise<void>((r) => setTimeout(r, o.durationS * 1000).unref())
      : new Promise<void>(() => {});
  await Promise.race([stopSignal, deadline]);
  clearInterval(timer);
  await draw();
  say("\nstopping: agent (flushes its spool), collector (commits and closes), simulator…");
  await agent.shutdown();
  // Give the shipper's last batch a moment to be acknowledged before the collector goes.
  await collector.shutdown();
  await sim.shutdown();
  logger.flush();
  say(`\nStored usage lines are in ${dbPath} (DuckDB). Query them, for example:`);
  say(
    `  node dist/cli/main.js export --db ${dbPath} --focus 1.2 --format csv --out ${join(dir, "focus.csv")} --check`,
  );
  say(
    `  duckdb ${dbPath} "SELECT x_Workload, SubAccountId, sum(x_GenerationTokens) AS gen, sum(EffectiveCost) AS cost FROM usage_lines GROUP BY ALL"`,
  );
  say("  (the duckdb CLI is optional; any DuckDB client opens the file)");
  say(`The agent's recording is ${join(dir, "capture.ndjson")}; replay it with:`);
  say(
    `  node dist/cli/main.js replay --config ${agentYaml} --capture ${join(dir, "capture.ndjson")}`,
  );
}
