import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ChatError } from "../../core/errors.ts";
import type { Logger } from "../log.ts";
import { HTTP_STATUS, toWireError, type AckResult } from "../reply.ts";

export const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(JSON.stringify(body));
};

/** Reads and validates a JSON body; refuses bodies over `limit` bytes before buffering more of them. */
export async function readJson<S extends z.ZodType>(req: IncomingMessage, schema: S, limit = 16 * 1024): Promise<z.infer<S>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ChatError("BAD_INPUT", `request body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
  } catch {
    throw new ChatError("BAD_INPUT", "request body is not valid JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ChatError("BAD_INPUT", z.prettifyError(parsed.error));
  return parsed.data;
}

/** Runs a route, answering `{ ok, data }` or `{ ok: false, error }` with the status that belongs to its code. */
export async function respond<T>(res: ServerResponse, log: Logger, run: () => Promise<T>): Promise<void> {
  try {
    const data = await run();
    sendJson(res, 200, { ok: true, data } satisfies AckResult<T>);
  } catch (err) {
    sendError(res, log, err);
  }
}

/** `{ ok: false, error }` with the status that belongs to the error's code. */
export function sendError(res: ServerResponse, log: Logger, err: unknown): void {
  const error = toWireError(err, log);
  if (error.retryAfterMs !== undefined) res.setHeader("retry-after", String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
  sendJson(res, HTTP_STATUS[error.code], { ok: false, error } satisfies AckResult<never>);
}
