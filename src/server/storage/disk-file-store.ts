import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FileStore, StoredFile } from "../../core/uploads/file-store.ts";

// Keys come from core (a UUID and an extension), but the disk checks them anyway: whatever reaches the
// file system is one plain file name inside the directory, never a path.
const SAFE_KEY = /^[0-9a-z][0-9a-z-]*(\.[0-9a-z]+)*$/;

/** Uploads as files in one directory (UPLOADS_DIR); several nodes share it as one mounted volume. */
export class DiskFileStore implements FileStore {
  constructor(private readonly dir: string) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(this.dir, { recursive: true });
    // Written aside, then renamed: a reader on any node sees the whole file or none of it.
    const partial = join(this.dir, `.partial-${randomBytes(8).toString("hex")}`);
    try {
      await writeFile(partial, bytes, { flag: "wx" });
      await rename(partial, path);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<StoredFile | null> {
    const handle = await open(this.pathOf(key), "r").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
    if (!handle) return null;
    try {
      const { size } = await handle.stat();
      return { size, stream: handle.createReadStream() }; // the stream closes the handle when it ends or is destroyed
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    if (!SAFE_KEY.test(key)) throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
    return join(this.dir, key);
  }
}
