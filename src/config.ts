import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

// An empty variable (`DATABASE_URL=` in a .env or compose file) means "not set", not "set to nothing".
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** PostgreSQL to use; unset = the embedded PGlite database under DATA_DIR. */
  DATABASE_URL: optional(z.url({ protocol: /^postgres(ql)?$/, error: "DATABASE_URL must be a postgres:// URL" })),
  /** Redis for several nodes (rooms, broadcasts, presence); unset = one node, in memory. */
  REDIS_URL: optional(z.url({ protocol: /^rediss?$/, error: "REDIS_URL must be a redis:// or rediss:// URL" })),
  DATA_DIR: z.string().min(1).default("./data"),
  /** Signs agent session cookies and visitor tokens; generated and kept under DATA_DIR when unset. */
  AUTH_SECRET: optional(z.string().min(32, "AUTH_SECRET must be at least 32 characters")),
  /** The address visitors' browsers reach this server at, used in the embed snippet; defaults to the request's own origin. */
  PUBLIC_URL: optional(z.url()),
  /** Behind a load balancer: take the visitor's address from X-Forwarded-For instead of the balancer's own. */
  TRUST_PROXY: z
    .enum(["true", "false", "1", "0", ""])
    .default("false")
    .transform((value) => value === "true" || value === "1"),
  VISITOR_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(30 * 24 * 3600),
  PRESENCE_GRACE_MS: z.coerce.number().int().nonnegative().default(5000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Where uploaded files are stored; with several nodes, one volume shared by all of them. */
  UPLOADS_DIR: z.string().min(1).default("./uploads"),
  /** The largest upload accepted, in bytes. */
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  /** Uploads one device may start per minute (in Redis when REDIS_URL is set, so the limit spans nodes). */
  UPLOADS_PER_MINUTE: z.coerce.number().int().positive().default(20),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});
export type Config = z.infer<typeof schema> & { AUTH_SECRET: string };

/** Parses the environment; a bad value stops the process at boot with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  return { ...parsed.data, AUTH_SECRET: parsed.data.AUTH_SECRET ?? persistedSecret(parsed.data.DATA_DIR) };
}

// Never a constant in the code: a secret made once per installation, kept beside the data it protects.
function persistedSecret(dataDir: string): string {
  const file = join(dataDir, "auth-secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
    return secret;
  }
}

/**
 * The Next.js half of the process reads configuration through this module too, from its own bundle;
 * publishing what the server resolved (the embedded database's URL, a generated secret) keeps both halves on the same values.
 */
export function publishConfig(config: Config, databaseUrl: string): void {
  process.env.DATABASE_URL = databaseUrl;
  process.env.AUTH_SECRET = config.AUTH_SECRET;
}
