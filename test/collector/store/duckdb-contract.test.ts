import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDbStore } from "../../../collector/store/duckdb/store.js";
import { storeContract } from "../../helpers/store-contract.js";

let dir = "";

storeContract("DuckDbStore", {
  open: async () => {
    dir = mkdtempSync(join(tmpdir(), "tw-contract-"));
    return new DuckDbStore({ path: join(dir, "tw.duckdb") });
  },
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});
