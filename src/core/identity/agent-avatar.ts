import { randomUUID } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { deviceIdSchema } from "../ids.ts";
import type { FileStore, StoredFile } from "../uploads/file-store.ts";
import { avatarUrlOf } from "./agent-settings.ts";

export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
export const AVATAR_SIDE = 256;
export const AVATAR_MIME = "image/webp";
const AVATAR_INPUT_TYPES = new Set(["image/jpeg", "image/png", "image/apng", "image/webp", "image/gif"]);
// As for uploads: a tiny file may declare a vast canvas, which would take seconds and hundreds of MB to decode.
const MAX_INPUT_PIXELS = 100_000_000;

/**
 * Makes the agent's avatar from an uploaded image: recognised by its bytes (JPEG, PNG, WebP or GIF only),
 * cropped to a centred square and scaled to 256 × 256 (WebP), stored under a fresh key. The previous avatar's
 * file is deleted once the agent points at the new one. Answers the new avatar URL.
 */
export async function setAgentAvatar(db: Db, store: FileStore, bytes: Uint8Array, actor: Actor): Promise<{ avatarUrl: string }> {
  const agentId = avatarOwnerOf(actor);
  const square = await toAvatar(bytes);
  const key = `avatar-${randomUUID()}.webp`; // a new key per image, so the URL (?v=key) changes and caches never show the old one
  await store.put(key, square, AVATAR_MIME);
  let previous: string | null;
  try {
    previous = await swapAvatarKey(db, agentId, key);
  } catch (err) {
    await store.delete(key).catch(() => undefined); // nobody points at it
    throw err;
  }
  if (previous) await store.delete(previous);
  return { avatarUrl: avatarUrlOf({ deviceId: actor.deviceId, avatarKey: key })! };
}

/** Removes the agent's avatar (the widget and console then show the initial); none to remove is fine. */
export async function removeAgentAvatar(db: Db, store: FileStore, actor: Actor): Promise<{ avatarUrl: null }> {
  const previous = await swapAvatarKey(db, avatarOwnerOf(actor), null);
  if (previous) await store.delete(previous);
  return { avatarUrl: null };
}

/** The avatar of the agent with this device ID, for anyone (the widget shows it); NOT_FOUND when there is none. */
export async function openAgentAvatar(db: Db, store: FileStore, agentDeviceId: string): Promise<StoredFile> {
  const parsed = deviceIdSchema.safeParse(agentDeviceId);
  const agent = parsed.success ? await db.agent.findUnique({ where: { deviceId: parsed.data }, select: { avatarKey: true } }) : null;
  const file = agent?.avatarKey ? await store.get(agent.avatarKey) : null;
  if (!file) throw new ChatError("NOT_FOUND", "this agent has no avatar");
  return file;
}

function avatarOwnerOf(actor: Actor): string {
  if (actor.kind !== "agent") throw new ChatError("FORBIDDEN", "only an agent has an avatar");
  return actor.agentId;
}

async function toAvatar(bytes: Uint8Array): Promise<Buffer> {
  const mime = (await fileTypeFromBuffer(bytes))?.mime;
  if (!mime || !AVATAR_INPUT_TYPES.has(mime)) throw new ChatError("UNSUPPORTED_MEDIA_TYPE", "an avatar must be a PNG, JPEG, GIF or WebP image");
  let width: number, height: number;
  try {
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata()); // the header only
  } catch (err) {
    throw new ChatError("UNSUPPORTED_MEDIA_TYPE", "the image could not be read", { cause: err });
  }
  if (width * height > MAX_INPUT_PIXELS) throw new ChatError("PAYLOAD_TOO_LARGE", `the image is larger than ${MAX_INPUT_PIXELS / 1_000_000} megapixels`);
  try {
    return await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }) // the first frame of an animation
      .autoOrient()
      .resize(AVATAR_SIDE, AVATAR_SIDE, { fit: "cover", position: "attention" })
      .webp({ quality: 85 })
      .toBuffer();
  } catch (err) {
    throw new ChatError("UNSUPPORTED_MEDIA_TYPE", "the image could not be read", { cause: err });
  }
}

/**
 * Points the agent at `key` and answers the key it held before, in one statement: of two uploads at once,
 * each learns a different previous key, so every replaced file is deleted exactly once.
 */
async function swapAvatarKey(db: Db, agentId: string, key: string | null): Promise<string | null> {
  const rows = await db.$queryRaw<{ previous: string | null }[]>`
    UPDATE "Agent" AS a SET "avatarKey" = ${key}
    FROM (SELECT id, "avatarKey" FROM "Agent" WHERE id = ${agentId} FOR UPDATE) AS old
    WHERE a.id = old.id
    RETURNING old."avatarKey" AS previous`;
  if (!rows.length) throw new ChatError("UNAUTHENTICATED", "this agent account no longer exists");
  return rows[0]!.previous;
}
