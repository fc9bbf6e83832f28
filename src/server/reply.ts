import { ChatError, type ErrorCode } from "../core/errors.ts";
import type { Logger } from "./log.ts";

/** One error shape for socket acks and HTTP bodies (docs/protocol.md, "Errors"). */
export type WireError = { code: ErrorCode; message: string; retriable?: boolean; retryAfterMs?: number };
export type AckResult<T> = { ok: true; data: T } | { ok: false; error: WireError };

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  BLOCKED: 403,
};

// Connection-level failures of PostgreSQL (and the pool): the same request will work once the database is back.
const TRANSIENT = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|terminating connection|the database system is (starting|shutting)|P1001|P1017|P2024/;

export function toWireError(err: unknown, log: Logger): WireError {
  if (err instanceof ChatError) {
    const isRetriable = err.code === "UNAVAILABLE" || err.code === "RATE_LIMITED";
    return { code: err.code, message: err.message, ...(isRetriable && { retriable: true }), ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }) };
  }
  if (TRANSIENT.test(`${(err as { code?: string })?.code ?? ""} ${(err as Error)?.message ?? ""}`)) {
    log.warn({ err }, "database unavailable");
    return { code: "UNAVAILABLE", message: "Temporarily unavailable, retry shortly", retriable: true };
  }
  log.error({ err }, "unexpected error"); // only failures nobody anticipated are logged at error level
  return { code: "INTERNAL", message: "Something went wrong" }; // never show internals to a visitor
}
