import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { conversationIdSchema, newUploadId } from "../ids.ts";
import { findVisibleConversation } from "../conversations/find-visible-conversation.ts";
import { displayName } from "./display-name.ts";
import type { FileStore } from "./file-store.ts";
import { inspectUpload } from "./inspect-upload.ts";
import { toUploadView, type UploadView } from "./upload-view.ts";

export const createUploadSchema = z.object({ conversationId: conversationIdSchema });
type NewUpload = z.infer<typeof createUploadSchema> & { bytes: Buffer; clientName?: string };

/**
 * Stores a file a participant uploads into a conversation, for a later image or file message to refer to.
 * The bytes decide what it is; the stored key is a fresh random UUID with the extension of that type.
 */
export async function createUpload(db: Db, store: FileStore, input: NewUpload, actor: Actor): Promise<UploadView> {
  const conversation = await findVisibleConversation(db, input.conversationId, actor);
  const file = await inspectUpload(input.bytes);
  const id = newUploadId();
  const storageKey = `${id}.${file.extension}`;
  const thumbnailKey = file.thumbnail ? `${id}.thumb.webp` : null;
  try {
    await store.put(storageKey, input.bytes, file.mime);
    if (file.thumbnail) await store.put(thumbnailKey!, file.thumbnail, "image/webp");
    const row = await db.upload.create({
      data: {
        id,
        conversationId: conversation.id,
        uploaderDeviceId: actor.deviceId,
        storageKey,
        thumbnailKey,
        mime: file.mime,
        size: input.bytes.length,
        name: displayName(input.clientName, `${file.kind === "IMAGE" ? "image" : "file"}.${file.extension}`),
        kind: file.kind,
        width: file.width,
        height: file.height,
      },
    });
    return toUploadView(row);
  } catch (err) {
    // Files nobody refers to would only fill the disk; the client retries with a fresh upload.
    await Promise.allSettled([store.delete(storageKey), thumbnailKey && store.delete(thumbnailKey)]);
    throw err;
  }
}
