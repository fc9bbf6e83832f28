import type { Readable } from "node:stream";

export type StoredFile = { size: number; stream: Readable };

/**
 * Where uploaded bytes live. Keys are made by core (a random UUID and an extension), never from a client's
 * file name. One small interface so that an object store can replace the disk (src/server/storage) later.
 */
export interface FileStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The stored file, or null if there is none under `key`. */
  get(key: string): Promise<StoredFile | null>;
  /** Removes the file; a missing file is not an error. */
  delete(key: string): Promise<void>;
}
