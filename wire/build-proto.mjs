// Generates the protobuf code from proto/tokenwatt/v1/*.proto (run by `npm run build:proto`).
// Output: proto/gen/tokenwatt.js (ES module, static code) and proto/gen/tokenwatt.d.ts, plus a
// copy of the .js under dist/proto/gen/ because tsc does not copy plain .js into dist and the
// compiled wire/ imports it by the same relative path. Never edit proto/gen by hand.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const protoRoot = join(root, "proto");
const srcDir = join(protoRoot, "tokenwatt", "v1");
const genDir = join(protoRoot, "gen");
const distGenDir = join(root, "dist", "proto", "gen");
const cli = join(root, "node_modules", "protobufjs-cli", "bin");

const files = readdirSync(srcDir)
  .filter((f) => f.endsWith(".proto"))
  .sort()
  .map((f) => join(srcDir, f));
mkdirSync(genDir, { recursive: true });
mkdirSync(distGenDir, { recursive: true });

const js = join(genDir, "tokenwatt.js");
// --force-number: 64-bit fields are plain numbers (sequence numbers and times stay < 2^53).
execFileSync(
  process.execPath,
  [
    join(cli, "pbjs"),
    "-t",
    "static-module",
    "-w",
    "es6",
    "--force-number",
    "--no-verify",
    "--no-convert",
    "--no-delimited",
    "-p",
    protoRoot,
    "-o",
    js,
    ...files,
  ],
  { stdio: "inherit" },
);
execFileSync(process.execPath, [join(cli, "pbts"), "-o", join(genDir, "tokenwatt.d.ts"), js], {
  stdio: "inherit",
});
copyFileSync(js, join(distGenDir, "tokenwatt.js"));
