import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import multer from "multer";
import { z } from "zod";
import type { Config } from "../../config.ts";
import type { Db } from "../../core/db.ts";
import { ChatError } from "../../core/errors.ts";
import { assertNotBlocked } from "../../core/blocks/blocks.ts";
import { findVisibleConversation } from "../../core/conversations/find-visible-conversation.ts";
import { conversationIdSchema } from "../../core/ids.ts";
import { createUpload, createUploadSchema } from "../../core/uploads/create-upload.ts";
import type { FileStore } from "../../core/uploads/file-store.ts";
import { openUpload, type UploadVariant } from "../../core/uploads/open-upload.ts";
import type { Limits } from "../limits/limits.ts";
import type { Logger } from "../log.ts";
import { authenticate } from "../socket/authenticate.ts";
import { clientAddress } from "./client-address.ts";
import { contentDisposition } from "./content-disposition.ts";
import { respond, sendError } from "./respond.ts";

export type UploadDeps = { db: Db; store: FileStore; limits: Limits; config: Config; log: Logger };
type Multipart = { fields: Record<string, unknown>; file: Express.Multer.File | undefined };

/**
 * POST /api/uploads: one file (field `file`) into a conversation (field `conversationId`), from a visitor
 * (bearer token) or an agent (session cookie) of that conversation. Answers `{ upload: UploadView }`.
 */
export function postUpload(req: IncomingMessage, res: ServerResponse, { db, store, limits, config, log }: UploadDeps): Promise<void> {
  return respond(res, log, async () => {
    // Refused before the body is read; Node reads and discards the rest, so the client still gets the answer.
    const actor = await authenticateRequest(req, db, config.AUTH_SECRET);
    await limits.enforce("uploads", actor.deviceId);
    // With conversationId before the file (as the browser clients send it), a caller who may not upload there
    // is refused before the file is read; sent after it, the same check runs once the body is in.
    // A visitor its agent blocks is refused (BLOCKED) like a visitor of another conversation: before the file is read.
    const address = clientAddress(req, config.TRUST_PROXY);
    const checkAccess = async (conversationId: string) => {
      await findVisibleConversation(db, conversationId, actor);
      await assertNotBlocked(db, conversationId, actor, address);
    };
    const { fields, file } = await readMultipart(req, res, config.UPLOAD_MAX_BYTES, checkAccess);
    const input = createUploadSchema.safeParse(fields);
    if (!input.success) throw new ChatError("BAD_INPUT", z.prettifyError(input.error));
    if (!file) throw new ChatError("BAD_INPUT", "send multipart/form-data with the file in a field named file");
    await checkAccess(input.data.conversationId); // again: the conversationId may have come after the file
    const upload = await createUpload(db, store, { conversationId: input.data.conversationId, bytes: file.buffer, clientName: file.originalname }, actor);
    log.info({ uploadId: upload.id, conversationId: input.data.conversationId, mime: upload.mime, size: upload.size }, "upload stored");
    return { upload };
  });
}

/** GET /api/uploads/<id> and /api/uploads/<id>/thumbnail: the bytes, to anyone holding the URL. */
export async function getUpload(req: IncomingMessage, res: ServerResponse, id: string, variant: UploadVariant, { db, store, log }: UploadDeps): Promise<void> {
  const opened = await openUpload(db, store, id, variant).catch((err: unknown) => void sendError(res, log, err));
  if (!opened) return;
  const { upload, mime, file } = opened;
  res.writeHead(200, {
    "content-type": mime, // sniffed at upload; never the type the client declared
    "content-length": String(file.size),
    "x-content-type-options": "nosniff",
    "content-disposition": contentDisposition(upload.kind, upload.name),
    // Even a file a browser misjudged could not run script here: no resources, a sandboxed opaque origin.
    "content-security-policy": "default-src 'none'; sandbox",
    "cache-control": "public, max-age=31536000, immutable", // an ID never names other bytes
    "referrer-policy": "no-referrer", // the URL is the capability: do not pass it on
  });
  if (req.method === "HEAD") {
    file.stream.destroy();
    return void res.end();
  }
  // pipeline, not pipe: a client that goes away mid-download also closes the file.
  pipeline(file.stream, res, (err) => {
    if (err && (err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") log.warn({ err, uploadId: upload.id }, "reading an upload failed");
  });
}

function authenticateRequest(req: IncomingMessage, db: Db, secret: string) {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
  // A cookie rides along on requests other sites make; a browser labels those, and they may not upload as an agent.
  const isCrossSite = req.headers["sec-fetch-site"] === "cross-site" || req.headers["sec-fetch-site"] === "same-site";
  if (!bearer && isCrossSite) return Promise.reject(new ChatError("FORBIDDEN", "uploads from other sites are refused"));
  return authenticate({ token: bearer, cookie: req.headers.cookie }, db, secret);
}

const MULTIPART_LIMITS = { files: 1, fields: 8, parts: 9, fieldNameSize: 100, fieldSize: 1024, headerPairs: 50 };

/**
 * Parses the multipart body in memory; a file past `maxBytes` is refused as it streams, never held whole.
 * `checkAccess` runs on the conversationId when it arrives before the file, and may refuse the file unread.
 */
function readMultipart(req: IncomingMessage, res: ServerResponse, maxBytes: number, checkAccess: (conversationId: string) => Promise<unknown>): Promise<Multipart> {
  const request = req as IncomingMessage & { body?: Record<string, unknown>; file?: Express.Multer.File };
  let refused: unknown; // the access check's own error, passed on as it is (a NOT_FOUND, or the database being down)
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { ...MULTIPART_LIMITS, fileSize: maxBytes },
    defParamCharset: "utf8", // browsers send file names as UTF-8; busboy's default (latin1) would garble every non-ASCII name
    fileFilter: (_req, _file, accept) => {
      const early = conversationIdSchema.safeParse(request.body?.conversationId);
      if (!early.success) return accept(null, true); // not sent yet (or malformed): judged with the other fields
      checkAccess(early.data).then(
        () => accept(null, true),
        (err: unknown) => accept((refused = err) as Error),
      );
    },
  }).single("file");
  return new Promise((resolve, reject) => {
    parse(request as never, res as never, (err: unknown) => {
      if (!err) return resolve({ fields: { ...request.body }, file: request.file });
      if (refused) return reject(refused);
      if (err instanceof multer.MulterError && err.code === "LIMIT_FILE_SIZE") return reject(new ChatError("PAYLOAD_TOO_LARGE", `the file is larger than ${maxBytes} bytes`));
      reject(new ChatError("BAD_INPUT", `bad multipart body: ${(err as Error).message}`, { cause: err }));
    });
  });
}
