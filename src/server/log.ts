import pino from "pino";

export type Logger = pino.Logger;

/** The only logger: JSON lines, secrets redacted; each connection and request gets a child with its ID. */
export const createLogger = (level: string): Logger =>
  pino({ level, redact: ["*.token", "*.password", "*.cookie", "req.headers.cookie", "*.sessionToken"] });
