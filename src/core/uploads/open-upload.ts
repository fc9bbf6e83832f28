import { z } from "zod";
import type { Upload } from "../../generated/prisma/client.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import type { FileStore, StoredFile } from "./file-store.ts";

export type UploadVariant = "original" | "thumbnail";
type OpenedUpload = { upload: Upload; mime: string; file: StoredFile };

const uploadIdSchema = z.uuid();

/**
 * An upload's bytes for serving. Anyone holding the URL may read it (the random ID is the capability);
 * a thumbnail request for an upload without one gets the original.
 */
export async function openUpload(db: Db, store: FileStore, id: string, variant: UploadVariant): Promise<OpenedUpload> {
  const parsed = uploadIdSchema.safeParse(id);
  // A malformed ID is as missing as an unknown one: the column is a UUID, and the answer must not differ.
  const upload = parsed.success ? await db.upload.findUnique({ where: { id: parsed.data.toLowerCase() } }) : null;
  if (!upload) throw new ChatError("NOT_FOUND", "upload not found");
  const useThumbnail = variant === "thumbnail" && upload.thumbnailKey !== null;
  const file = await store.get(useThumbnail ? upload.thumbnailKey! : upload.storageKey);
  if (!file) throw new ChatError("NOT_FOUND", "upload not found");
  return { upload, mime: useThumbnail ? "image/webp" : upload.mime, file };
}
