/**
 * A SpoolFs over the real file system that fails on demand: while `failWith` is set (e.g.
 * "ENOSPC"), writes store half their bytes then throw, and creating files throws — what a
 * full disk does. Counts datasyncs.
 */
import { nodeSpoolFs, type SpoolFile, type SpoolFs } from "../../agent/spool/fs.js";

export class FaultSpoolFs implements SpoolFs {
  failWith: string | undefined;
  datasyncs = 0;

  private fault(): Error {
    return Object.assign(new Error(`${this.failWith}: injected fault`), { code: this.failWith });
  }

  mkdirp = (dir: string) => nodeSpoolFs.mkdirp(dir);
  readdir = (dir: string) => nodeSpoolFs.readdir(dir);
  readFile = (path: string) => nodeSpoolFs.readFile(path);
  unlink = (path: string) => nodeSpoolFs.unlink(path);
  syncDir = (dir: string) => nodeSpoolFs.syncDir(dir);

  async writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
    if (this.failWith) throw this.fault();
    await nodeSpoolFs.writeFileAtomic(path, data);
  }

  async open(path: string, mode: "create" | "append" | "read"): Promise<SpoolFile> {
    if (this.failWith && mode === "create") throw this.fault();
    const file = await nodeSpoolFs.open(path, mode);
    return {
      write: async (data, position) => {
        if (this.failWith) {
          await file.write(data.subarray(0, data.length >> 1), position);
          throw this.fault();
        }
        await file.write(data, position);
      },
      read: (into, position) => file.read(into, position),
      datasync: async () => {
        this.datasyncs++;
        await file.datasync();
      },
      truncate: (length) => file.truncate(length),
      size: () => file.size(),
      close: () => file.close(),
    };
  }
}
