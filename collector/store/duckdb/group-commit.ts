/**
 * Group commit: `submit` queues an item; while a commit runs, arriving items wait, and the
 * next commit takes all of them (up to `maxRows`) in one transaction, resolving each
 * item's promise only after that shared COMMIT. One commit's fixed costs (round trips, the
 * WAL write and fsync) are paid once per group instead of once per batch. When a group
 * fails, each of its items is retried alone, so one bad batch fails only its own caller.
 *
 * Under load (a commit ended moments ago) a commit that would start small waits a few
 * milliseconds for more items (`linger`): fewer, larger commits cost less per row, and a
 * busy collector's acks wait a little longer. An idle collector commits at once.
 */

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<T, R> {
  /** Runs `task` in the owner's queue (after whatever is queued before it). */
  schedule: (task: () => Promise<void>) => Promise<void>;
  /** Commits items together; results in item order. Throws when nothing was committed. */
  commit: (items: T[]) => Promise<R[]>;
  /** Size of an item (rows), for `maxRows`. */
  rows: (item: T) => number;
  /** A group stops growing once it holds this many rows (a single item may exceed it). */
  maxRows: number;
  /**
   * Wait up to `ms` for `minRows` to be waiting before a commit starts, when the previous
   * commit ended less than `busyMs` ago. Absent: never wait.
   */
  linger?: { minRows: number; ms: number; busyMs: number };
}

export class GroupCommitter<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private waitingRows = 0;
  private scheduled = false;
  /** When the last commit ended (performance.now()); -Infinity before the first. */
  private lastEnd = Number.NEGATIVE_INFINITY;
  /** Ends a linger early (enough rows arrived). */
  private wake: (() => void) | undefined;

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.waitingRows += this.options.rows(item);
      if (this.wake !== undefined && this.waitingRows >= (this.options.linger?.minRows ?? 0)) {
        this.wake();
      }
      this.ensureScheduled();
    });
  }

  private ensureScheduled(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    this.options
      .schedule(() => this.run())
      .catch((error: unknown) => {
        // The queue refused the task (e.g. the store closed): fail everyone still waiting.
        this.scheduled = false;
        this.waitingRows = 0;
        for (const w of this.waiting.splice(0)) w.reject(error);
      });
  }

  private take(): Waiting<T, R>[] {
    let rows = 0;
    let n = 0;
    while (n < this.waiting.length && (n === 0 || rows < this.options.maxRows)) {
      rows += this.options.rows(this.waiting[n].item);
      if (n > 0 && rows > this.options.maxRows) break;
      n++;
    }
    const taken = this.waiting.splice(0, n);
    for (const w of taken) this.waitingRows -= this.options.rows(w.item);
    return taken;
  }

  /** Resolves once `linger.minRows` are waiting or `linger.ms` passed; at once when idle. */
  private linger(): Promise<void> {
    const l = this.options.linger;
    if (l === undefined || this.waitingRows >= l.minRows) return Promise.resolve();
    if (performance.now() - this.lastEnd > l.busyMs) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, l.ms);
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    await this.linger();
    this.scheduled = false;
    const group = this.take();
    // Items that arrive from now on (or did not fit) go to the next commit.
    this.ensureScheduled();
    if (group.length === 0) return;
    try {
      const results = await this.options.commit(group.map((w) => w.item));
      this.lastEnd = performance.now();
      for (let i = 0; i < group.length; i++) group[i].resolve(results[i]);
    } catch (error) {
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      for (const w of group) {
        try {
          w.resolve((await this.options.commit([w.item]))[0]);
        } catch (own) {
          w.reject(own);
        }
      }
    }
  }
}
