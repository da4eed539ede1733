/**
 * The standard gRPC services a collector serves beside Collector: health
 * (grpc.health.v1.Health) and server reflection (v1 and v1alpha), so grpcurl and load
 * balancers work without local .proto files.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Server } from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation, protoPath as healthProtoPath } from "grpc-health-check";
import { COLLECTOR_SERVICE_NAME } from "./collector-service.js";

/** proto/ in the source tree or the installed package (this file runs from wire/ or dist/wire/). */
export function protoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, "proto");
    if (existsSync(join(candidate, "tokenwatt", "v1", "collector.proto"))) return candidate;
    dir = resolve(dir, "..");
  }
  throw new Error(
    "TW_ERR_WIRE_PROTO: proto/tokenwatt/v1/collector.proto not found next to the package",
  );
}

export interface StandardServices {
  health: HealthImplementation;
}

/**
 * Adds health and reflection to `server`. Health starts NOT_SERVING for "" and the
 * Collector service; the collector sets SERVING once its store is open, and NOT_SERVING
 * when it starts shutting down.
 */
export function addStandardServices(server: Server): StandardServices {
  const health = new HealthImplementation({
    "": "NOT_SERVING",
    [COLLECTOR_SERVICE_NAME]: "NOT_SERVING",
  });
  health.addToServer(server);
  const root = protoRoot();
  const definition = loadSync([join(root, "tokenwatt/v1/collector.proto"), healthProtoPath], {
    includeDirs: [root, dirname(healthProtoPath)],
  });
  new ReflectionService(definition).addToServer(server);
  return { health };
}
