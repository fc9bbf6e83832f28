import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Config } from "../../../config.ts";
import { ChatError } from "../../../core/errors.ts";
import type { Logger } from "../../log.ts";
import { toWireError } from "../../reply.ts";

/** golang-im's reply to every call: HTTP 200, and `success` says how it went. Parley adds `error` (its code) to failures. */
export type Envelope = { code: number; msg: string; success: boolean; result: unknown; error?: string; [extra: string]: unknown };

export const okEnvelope = (result: unknown, extra: Record<string, unknown> = {}): Envelope => ({ code: 200, msg: "success", success: true, result, ...extra });

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  // golang-im's pages send their token in a `token` header, and jQuery's form posts a content-type.
  "access-control-allow-headers": "token, content-type, x-requested-with",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-max-age": "3600",
};

export function sendEnvelope(res: ServerResponse, envelope: Envelope): void {
  res.writeHead(200, { ...CORS_HEADERS, "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(JSON.stringify(envelope));
}

export function sendPreflight(res: ServerResponse): void {
  res.writeHead(204, CORS_HEADERS);
  res.end();
}

export function sendText(res: ServerResponse, text: string): void {
  res.writeHead(200, { ...CORS_HEADERS, "content-type": "text/plain; charset=utf-8" });
  res.end(text);
}

export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { ...CORS_HEADERS, location });
  res.end();
}

/** Runs a handler and answers its result, or its failure as `{code: -1, success: false, msg, error}`. */
export async function answer(res: ServerResponse, log: Logger, run: () => Promise<Envelope>): Promise<void> {
  try {
    sendEnvelope(res, await run());
  } catch (err) {
    const wire = toWireError(err, log);
    if (wire.retryAfterMs !== undefined) res.setHeader("retry-after", String(Math.max(1, Math.ceil(wire.retryAfterMs / 1000))));
    sendEnvelope(res, { code: -1, msg: wire.message, success: false, result: null, error: wire.code });
  }
}

const FORM_LIMIT_BYTES = 64 * 1024;

/**
 * The request's fields as Go's FormValue sees them: the query string, overridden by a form-encoded (or JSON)
 * body. golang-im's visitor page puts room_id and the rest in the push URL and again in the body.
 */
export async function readFields(req: IncomingMessage): Promise<Record<string, string>> {
  const fields: Record<string, string> = Object.fromEntries(queryOf(req));
  if (req.method !== "POST") return fields;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT_BYTES) throw new ChatError("PAYLOAD_TOO_LARGE", `the request body is larger than ${FORM_LIMIT_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/json")) {
    let json: unknown;
    try {
      json = JSON.parse(text || "{}");
    } catch {
      throw new ChatError("BAD_INPUT", "the request body is not valid JSON");
    }
    if (!json || typeof json !== "object") throw new ChatError("BAD_INPUT", "the JSON body must be an object");
    for (const [key, value] of Object.entries(json)) if (value !== null && value !== undefined) fields[key] = String(value);
    return fields;
  }
  for (const [key, value] of new URLSearchParams(text)) fields[key] = value;
  return fields;
}

export const queryOf = (req: IncomingMessage): URLSearchParams => new URL(req.url ?? "/", "http://localhost").searchParams;

/** golang-im takes the token from `?token=` first, then the `token` header. */
export function tokenOf(req: IncomingMessage): string {
  const header = req.headers.token;
  const token = queryOf(req).get("token") || (Array.isArray(header) ? header[0] : header) || "";
  if (!token.trim()) throw new ChatError("UNAUTHENTICATED", "a token is required (?token= or a token header)");
  return token.trim();
}

export function parseFields<S extends z.ZodType>(schema: S, fields: Record<string, string>): z.infer<S> {
  const parsed = schema.safeParse(fields);
  if (!parsed.success) throw new ChatError("BAD_INPUT", z.prettifyError(parsed.error));
  return parsed.data;
}

/** Where this server is reached, for the URLs in replies: PUBLIC_URL, else the request's own host. */
export function baseUrlOf(req: IncomingMessage, config: Pick<Config, "PUBLIC_URL" | "TRUST_PROXY">): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/+$/, "");
  const forwarded = config.TRUST_PROXY ? String(req.headers["x-forwarded-proto"] ?? "").split(",")[0]?.trim() : "";
  const isTls = (req.socket as { encrypted?: boolean }).encrypted === true;
  const protocol = forwarded === "https" || forwarded === "http" ? forwarded : isTls ? "https" : "http";
  const host = req.headers.host ?? "localhost";
  return `${protocol}://${host}`;
}

/** golang-im's paging: `page` from 1, `limit` 15 unless 1–99 is asked for. */
export function pageOf(req: IncomingMessage, fields: Record<string, string>): { page: number; limit: number } {
  const query = queryOf(req);
  const page = Number(query.get("page") ?? fields.page);
  const limit = Number(query.get("limit") ?? fields.limit);
  return { page: Number.isInteger(page) && page > 0 && page < 10_000 ? page : 1, limit: Number.isInteger(limit) && limit > 0 && limit < 100 ? limit : 15 };
}
