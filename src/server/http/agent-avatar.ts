import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import multer from "multer";
import type { Config } from "../../config.ts";
import type { Db } from "../../core/db.ts";
import { ChatError } from "../../core/errors.ts";
import { AVATAR_MAX_BYTES, AVATAR_MIME, openAgentAvatar, removeAgentAvatar, setAgentAvatar } from "../../core/identity/agent-avatar.ts";
import type { FileStore } from "../../core/uploads/file-store.ts";
import type { Limits } from "../limits/limits.ts";
import type { Logger } from "../log.ts";
import { authenticate } from "../socket/authenticate.ts";
import { respond, sendError } from "./respond.ts";

export type AvatarDeps = { db: Db; store: FileStore; limits: Limits; config: Config; log: Logger };

/** POST /api/agents/avatar: the signed-in agent's new avatar (multipart, field `file`). Answers `{ avatarUrl }`. */
export function postAvatar(req: IncomingMessage, res: ServerResponse, { db, store, limits, config, log }: AvatarDeps): Promise<void> {
  return respond(res, log, async () => {
    const actor = await authenticateAgent(req, db, config.AUTH_SECRET); // refused before the body is read
    await limits.enforce("uploads", actor.deviceId);
    const file = await readAvatarFile(req, res);
    const result = await setAgentAvatar(db, store, file.buffer, actor);
    log.info({ deviceId: actor.deviceId, size: file.size }, "avatar stored");
    return result;
  });
}

/** DELETE /api/agents/avatar: back to the initial. Answers `{ avatarUrl: null }`. */
export function deleteAvatar(req: IncomingMessage, res: ServerResponse, { db, store, config, log }: AvatarDeps): Promise<void> {
  return respond(res, log, async () => removeAgentAvatar(db, store, await authenticateAgent(req, db, config.AUTH_SECRET)));
}

/** GET /api/agents/<agentDeviceId>/avatar: public (the widget shows it on any site); the URL carries ?v=<key>. */
export async function getAvatar(req: IncomingMessage, res: ServerResponse, agentDeviceId: string, { db, store, log }: AvatarDeps): Promise<void> {
  const file = await openAgentAvatar(db, store, agentDeviceId).catch((err: unknown) => void sendError(res, log, err));
  if (!file) return;
  res.writeHead(200, {
    "content-type": AVATAR_MIME, // always re-encoded by us, never the uploaded bytes
    "content-length": String(file.size),
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    // Each avatar has its own key, and avatarUrl names it (?v=): a changed avatar is a new URL, so this one may live long.
    "cache-control": "public, max-age=31536000, immutable",
    "cross-origin-resource-policy": "cross-origin", // shown by the widget on the customer's site
  });
  if (req.method === "HEAD") {
    file.stream.destroy();
    return void res.end();
  }
  pipeline(file.stream, res, (err) => {
    if (err && (err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") log.warn({ err, agentDeviceId }, "reading an avatar failed");
  });
}

/** Agents only, by the session cookie; a request another site makes with that cookie is refused. */
async function authenticateAgent(req: IncomingMessage, db: Db, secret: string) {
  const isCrossSite = req.headers["sec-fetch-site"] === "cross-site" || req.headers["sec-fetch-site"] === "same-site";
  if (isCrossSite) throw new ChatError("FORBIDDEN", "avatar changes from other sites are refused");
  const actor = await authenticate({ cookie: req.headers.cookie }, db, secret); // a bearer token is not looked at: visitors have no avatar
  if (actor.kind !== "agent") throw new ChatError("FORBIDDEN", "only an agent has an avatar");
  return actor;
}

const MULTIPART_LIMITS = { files: 1, fields: 4, parts: 5, fieldNameSize: 100, fieldSize: 1024, headerPairs: 50, fileSize: AVATAR_MAX_BYTES };

/** The one file of the multipart body, in memory; one past AVATAR_MAX_BYTES is refused as it streams. */
function readAvatarFile(req: IncomingMessage, res: ServerResponse): Promise<Express.Multer.File> {
  const request = req as IncomingMessage & { file?: Express.Multer.File };
  const parse = multer({ storage: multer.memoryStorage(), limits: MULTIPART_LIMITS }).single("file");
  return new Promise((resolve, reject) => {
    parse(request as never, res as never, (err: unknown) => {
      if (err instanceof multer.MulterError && err.code === "LIMIT_FILE_SIZE") return reject(new ChatError("PAYLOAD_TOO_LARGE", `an avatar may be at most ${AVATAR_MAX_BYTES} bytes`));
      if (err) return reject(new ChatError("BAD_INPUT", `bad multipart body: ${(err as Error).message}`, { cause: err }));
      if (!request.file) return reject(new ChatError("BAD_INPUT", "send multipart/form-data with the image in a field named file"));
      resolve(request.file);
    });
  });
}
