/**
 * The Query gRPC service (proto/tokenwatt/v1/query.proto) beside the collector's ingest
 * service. `addQueryService(server, deps)` registers it on the collector's grpc-js server,
 * so it shares the port and TLS; the credential is the `authorization` metadata.
 */
import {
  Metadata,
  type Server,
  type ServerUnaryCall,
  type ServiceDefinition,
  type ServiceError,
  type sendUnaryData,
  status,
} from "@grpc/grpc-js";
import { loadWasmKernel } from "../../kernel/src/wasm-kernel.js";
import { pb, type tokenwatt } from "../../wire/proto.js";
import type { Store } from "../store/types.js";
import { QueryAuthenticator } from "./auth.js";
import type { QueryGrant, SovereigntyPolicies } from "./config.js";
import { type FigureResult, runQuery } from "./run-query.js";

export const QUERY_SERVICE_NAME = "tokenwatt.v1.Query";

type Request = tokenwatt.v1.QueryRequest;
type Response = tokenwatt.v1.QueryResponse;

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** For `server.addService` and `makeGenericClientConstructor`. */
export const queryService = {
  figure: {
    path: `/${QUERY_SERVICE_NAME}/Figure`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (r: Request) => asBuffer(pb.QueryRequest.encode(r).finish()),
    requestDeserialize: (b: Buffer): Request => pb.QueryRequest.decode(b),
    responseSerialize: (r: Response) => asBuffer(pb.QueryResponse.encode(r).finish()),
    responseDeserialize: (b: Buffer): Response => pb.QueryResponse.decode(b),
    originalName: "Figure",
  },
} satisfies ServiceDefinition;

export interface QueryServiceDeps {
  store: Pick<Store, "aggregate">;
  auth: Readonly<Record<string, QueryGrant>>;
  sovereignty?: SovereigntyPolicies;
}

const GRPC_STATUS: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.NOT_FOUND,
  500: status.UNAVAILABLE,
};

function toResponse(r: FigureResult): Response {
  return pb.QueryResponse.create({
    figure: r.figure,
    description: r.description,
    by: r.by,
    tenant: r.filter.tenant ?? "",
    rows: r.rows.map((row) =>
      pb.QueryRow.create({
        keys: Object.fromEntries(Object.entries(row.keys).map(([k, v]) => [k, v ?? ""])),
        values: Object.fromEntries(
          Object.entries(row.values).map(([k, v]) => [k, v ?? Number.NaN]),
        ),
        allowedZones: row.allowedZones ?? [],
        hasPolicy: row.allowedZones !== undefined && row.allowedZones !== null,
      }),
    ),
  });
}

/** The request's filters as the HTTP API's parameters (empty = not set). */
function params(req: Request): Record<string, string> {
  const raw: Record<string, string> = {};
  const set = (k: string, v: string) => {
    if (v !== "") raw[k] = v;
  };
  set("from", req.from);
  set("to", req.to);
  set("metro", req.metro);
  set("lane", req.lane);
  set("tenant", req.tenant);
  set("model", req.model);
  set("price_version", req.priceVersion);
  set("by", req.by.join(","));
  return raw;
}

export function addQueryService(server: Server, deps: QueryServiceDeps): void {
  const queryDeps = {
    store: deps.store,
    auth: new QueryAuthenticator(deps.auth),
    kernel: loadWasmKernel(),
    sovereignty: deps.sovereignty ?? {},
  };
  server.addService(queryService, {
    figure: (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => {
      const authorization = call.metadata.get("authorization")[0];
      runQuery(
        queryDeps,
        typeof authorization === "string" ? authorization : undefined,
        call.request.figure,
        params(call.request),
      )
        .then((outcome) => {
          if (outcome.ok) return callback(null, toResponse(outcome.result));
          const error: Partial<ServiceError> = {
            code: GRPC_STATUS[outcome.status] ?? status.UNKNOWN,
            details: `${outcome.code}: ${outcome.message}`,
            message: outcome.message,
            metadata: new Metadata(),
          };
          callback(error);
        })
        .catch((error: unknown) => callback({ code: status.INTERNAL, details: String(error) }));
    },
  });
}
