// Completes package-lock.json with the other platforms' optional packages (biome, duckdb and
// rollup binaries for darwin, win32, musl, arm, …). npm 11 against this workplace's registry
// mirror leaves them out when it writes the lock (the mirror lacks some of them), and then
// `npm ci` refuses the lock as "out of sync". Entries carry version and os/cpu/libc, so npm
// skips them on a non-matching platform without fetching anything.
// Run after any `npm install` that rewrites the lock:  node .ci/lock-platforms.mjs
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(path, "utf8"));
const pkgs = lock.packages;
const wanted = new Map();
for (const entry of Object.values(pkgs)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (!pkgs[`node_modules/${name}`]) wanted.set(name, version);
  }
}

function guess(name) {
  const os = ["android", "darwin", "freebsd", "openbsd", "win32", "linux", "openharmony"].find(
    (o) => name.includes(o),
  );
  const cpu = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x"].find((c) =>
    new RegExp(`-${c}(-|$)`).test(name),
  );
  const out = {};
  if (os) out.os = [os];
  if (cpu) out.cpu = [cpu];
  if (name.includes("musl")) out.libc = ["musl"];
  else if (os === "linux") out.libc = ["glibc"];
  return out;
}

let added = 0;
for (const [name, version] of wanted) {
  let meta = {};
  try {
    meta = JSON.parse(
      execFileSync(
        "npm",
        ["view", `${name}@${version}`, "os", "cpu", "libc", "dist.integrity", "--json"],
        {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
        },
      ),
    );
  } catch {
    meta = {};
  }
  const g = guess(name);
  const entry = { version, optional: true };
  const integrity = meta["dist.integrity"];
  if (integrity) entry.integrity = integrity;
  for (const k of ["os", "cpu", "libc"]) {
    const v = meta[k] ?? g[k];
    if (v !== undefined) entry[k] = Array.isArray(v) ? v : [v];
  }
  pkgs[`node_modules/${name}`] = entry;
  added++;
}
const sorted = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} optional platform packages`);
