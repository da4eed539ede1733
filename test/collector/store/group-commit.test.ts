import { describe, expect, it } from "vitest";
import { GroupCommitter } from "../../../collector/store/duckdb/group-commit.js";

/** A committer over a serial queue whose commits record their groups. */
function harness(
  fail: (items: number[]) => boolean,
  maxRows = 100,
  linger?: { minRows: number; ms: number; busyMs: number },
) {
  const groups: number[][] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const committer = new GroupCommitter<number, string>({
    schedule: (task) => {
      const run = queue.then(task);
      queue = run.catch(() => undefined);
      return run;
    },
    commit: async (items) => {
      groups.push(items);
      await new Promise((r) => setTimeout(r, 5));
      if (fail(items)) throw new Error(`bad group ${items.join(",")}`);
      return items.map((i) => `ok ${i}`);
    },
    rows: (i) => i,
    maxRows,
    ...(linger === undefined ? {} : { linger }),
  });
  return { committer, groups };
}

describe("GroupCommitter", () => {
  it("commits waiting items together and resolves each after its commit", async () => {
    const { committer, groups } = harness(() => false);
    const first = committer.submit(1);
    const rest = [2, 3, 4].map((i) => committer.submit(i));
    expect(await Promise.all([first, ...rest])).toEqual(["ok 1", "ok 2", "ok 3", "ok 4"]);
    expect(groups).toEqual([[1, 2, 3, 4]]);
    // Items arriving while a commit runs go together into the next one.
    const a = committer.submit(5);
    await new Promise((r) => setTimeout(r, 1));
    const later = [6, 7].map((i) => committer.submit(i));
    await Promise.all([a, ...later]);
    expect(groups.slice(1)).toEqual([[5], [6, 7]]);
  });

  it("caps a group by rows", async () => {
    const { committer, groups } = harness(() => false, 10);
    await Promise.all([6, 3, 4, 20, 1].map((i) => committer.submit(i)));
    expect(groups).toEqual([[6, 3], [4], [20], [1]]);
  });

  it("retries a failed group item by item so only the bad item fails", async () => {
    const { committer, groups } = harness((items) => items.includes(13));
    const results = await Promise.allSettled([1, 13, 2].map((i) => committer.submit(i)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(groups).toEqual([[1, 13, 2], [1], [13], [2]]);
  });

  it("rejects waiting items when the queue refuses the task", async () => {
    const committer = new GroupCommitter<number, number>({
      schedule: () => Promise.reject(new Error("closed")),
      commit: async (items) => items,
      rows: () => 1,
      maxRows: 10,
    });
    await expect(committer.submit(1)).rejects.toThrow("closed");
  });

  it("under load, waits for more rows before a small commit; when idle, commits at once", async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // A linger longer than the test's timeout: a wait that should not happen fails the test.
    const forever = 120_000;
    const busy = harness(() => false, 100, { minRows: 10, ms: forever, busyMs: 10_000 });
    await busy.committer.submit(1); // idle: at once
    const late = [busy.committer.submit(2)];
    await sleep(20);
    late.push(busy.committer.submit(3));
    await sleep(20);
    late.push(busy.committer.submit(8)); // 13 rows ≥ 10: the commit starts now
    await Promise.all(late);
    expect(busy.groups).toEqual([[1], [2, 3, 8]]);

    const idle = harness(() => false, 100, { minRows: 10, ms: forever, busyMs: 20 });
    await idle.committer.submit(1);
    await sleep(60); // longer than busyMs: idle again
    await idle.committer.submit(2);
    expect(idle.groups).toEqual([[1], [2]]);
  });
});
