// Clients branch on these codes: add new ones, never rename one. docs/protocol.md lists them all.
export const ERROR_CODES = [
  "BAD_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "UNAVAILABLE",
  "INTERNAL",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "BLOCKED",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class ChatError extends Error {
  override readonly name = "ChatError"; // options.cause is kept, so the log shows the underlying error beneath ours
  /** RATE_LIMITED: how long until the same request may succeed. */
  readonly retryAfterMs?: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { retryAfterMs?: number },
  ) {
    super(message, options);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
