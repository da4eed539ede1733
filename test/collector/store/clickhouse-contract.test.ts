import { describe } from "vitest";
import { ClickHouseStore } from "../../../collector/store/clickhouse/store.js";
import {
  CLICKHOUSE_URL,
  clickHouseMissing,
  dropDatabase,
  testDatabase,
} from "../../helpers/clickhouse.js";
import { storeContract } from "../../helpers/store-contract.js";

const skip = clickHouseMissing("clickhouse-contract");
let db = "";

describe.skipIf(skip)("ClickHouse", () => {
  storeContract("ClickHouseStore", {
    open: async () => {
      db = testDatabase("contract");
      return new ClickHouseStore({ url: CLICKHOUSE_URL, database: db });
    },
    cleanup: () => dropDatabase(db),
  });
});
