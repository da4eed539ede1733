/**
 * The file operations the spool uses, behind an interface so tests can inject faults
 * (ENOSPC, EIO) and count fsyncs. `nodeSpoolFs` is the real one.
 */
import { constants } from "node:fs";
import * as fsp from "node:fs/promises";

export interface SpoolFile {
  /** Writes all of `data` at `position`; may throw (ENOSPC) after writing part of it. */
  write(data: Uint8Array, position: number): Promise<void>;
  read(into: Uint8Array, position: number): Promise<number>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export interface SpoolFs {
  mkdirp(dir: string): Promise<void>;
  readdir(dir: string): Promise<string[]>;
  /** "create" fails when the file exists; "append" opens read-write an existing file. */
  open(path: string, mode: "create" | "append" | "read"): Promise<SpoolFile>;
  readFile(path: string): Promise<Buffer>;
  /** Replaces `path` atomically: temp file, fsync, rename, directory fsync. */
  writeFileAtomic(path: string, data: Uint8Array): Promise<void>;
  unlink(path: string): Promise<void>;
  /** fsync of a directory, so that creates, renames and unlinks in it are durable. */
  syncDir(dir: string): Promise<void>;
}

class NodeFile implements SpoolFile {
  constructor(private readonly fh: fsp.FileHandle) {}

  async write(data: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
  }

  async read(into: Uint8Array, position: number): Promise<number> {
    const { bytesRead } = await this.fh.read(into, 0, into.length, position);
    return bytesRead;
  }

  datasync(): Promise<void> {
    return this.fh.datasync();
  }

  truncate(length: number): Promise<void> {
    return this.fh.truncate(length);
  }

  async size(): Promise<number> {
    return (await this.fh.stat()).size;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

const OPEN_FLAGS = {
  create: constants.O_RDWR | constants.O_CREAT | constants.O_EXCL,
  append: constants.O_RDWR,
  read: constants.O_RDONLY,
} as const;

export const nodeSpoolFs: SpoolFs = {
  async mkdirp(dir) {
    await fsp.mkdir(dir, { recursive: true });
  },
  readdir: (dir) => fsp.readdir(dir),
  async open(path, mode) {
    return new NodeFile(await fsp.open(path, OPEN_FLAGS[mode], 0o640));
  },
  readFile: (path) => fsp.readFile(path),
  async writeFileAtomic(path, data) {
    const tmp = `${path}.tmp`;
    const fh = await fsp.open(tmp, "w", 0o640);
    try {
      await fh.writeFile(data);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, path);
    await nodeSpoolFs.syncDir(path.slice(0, Math.max(path.lastIndexOf("/"), 1)));
  },
  unlink: (path) => fsp.unlink(path),
  async syncDir(dir) {
    const fh = await fsp.open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
};
