import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

// An empty variable (`DATABASE_URL=` in a .env or compose file) means "not set", not "set to nothing".
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

/** At most `points` within any fixed window of `seconds`; null means no limit. */
export type RateLimit = { points: number; seconds: number } | null;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;
const rateLimit = (fallback: string) =>
  z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .default(fallback)
      .transform((value, ctx): RateLimit => {
        if (value.trim() === "off") return null;
        const match = /^\s*(\d+)\s*\/\s*(\d*)\s*([smh])\s*$/.exec(value);
        const points = Number(match?.[1]);
        const seconds = Number(match?.[2] || 1) * UNIT_SECONDS[(match?.[3] ?? "s") as keyof typeof UNIT_SECONDS];
        if (match && points >= 1 && seconds >= 1) return { points, seconds };
        ctx.addIssue({ code: "custom", message: `expected "<count>/<interval>" such as "30/10s", "10/15m" or "20/1h", or "off"; got "${value}"` });
        return z.NEVER;
      }),
  );

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
  /** A visitor token's lifetime; the widget renews it silently (POST /api/visitors) when it has expired. */
  VISITOR_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(24 * 3600),
  /** How long after expiry a genuine visitor token may still be renewed for the same visitor; after that, the browser is a new visitor. */
  VISITOR_TOKEN_RENEW_SECONDS: z.coerce.number().int().nonnegative().default(180 * 24 * 3600),
  /** How often live agent sockets are checked against their session rows, so an expired or deleted session is cut. */
  AGENT_SESSION_RECHECK_MS: z.coerce.number().int().positive().default(60_000),
  PRESENCE_GRACE_MS: z.coerce.number().int().nonnegative().default(5000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /**
   * Messages are stored by this many writers per node, each with one statement in flight and a database
   * connection of its own; a conversation always goes to the same one. The embedded database takes one.
   */
  MESSAGE_WRITERS: z.coerce.number().int().min(1).max(16).default(2),
  /** Where uploaded files are stored; with several nodes, one volume shared by all of them. */
  UPLOADS_DIR: z.string().min(1).default("./uploads"),
  /** The largest upload accepted, in bytes. */
  UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  /** Uploads one device may start per minute (in Redis when REDIS_URL is set, so the limit spans nodes). */
  UPLOADS_PER_MINUTE: z.coerce.number().int().positive().default(20),
  /** The largest Socket.IO packet accepted, in bytes; a larger one closes the connection. A message is at most 4,000 characters. */
  SOCKET_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(8 * 1024).default(64 * 1024),
  // Rate limits, each "<count>/<interval>" ("30/10s", "10/15m", "20/1h") or "off"; counted in Redis when REDIS_URL is set.
  /** Messages one device (a visitor's browser, or an agent with all their tabs) may send. */
  MESSAGES_RATE_LIMIT: rateLimit("30/10s"),
  /** New visitors (devices, each with its first conversation) that POST /api/visitors may create for one IP address. */
  VISITORS_RATE_LIMIT: rateLimit("30/1h"),
  /** Sign-in attempts for one account (email or phone); a successful sign-in starts the count again. */
  SIGN_IN_ACCOUNT_RATE_LIMIT: rateLimit("10/15m"),
  /** Sign-in attempts from one IP address, whatever the account. */
  SIGN_IN_IP_RATE_LIMIT: rateLimit("50/15m"),
  /** Agent accounts one IP address may create. */
  SIGN_UP_RATE_LIMIT: rateLimit("5/1h"),
  /** The port of the goim TCP listener for native clients (golang-im used 6923); unset = no TCP listener. */
  GOIM_TCP_PORT: optional(z.coerce.number().int().min(0).max(65535)),
  /** A goim connection (TCP or WebSocket at /ws) that sends nothing for this long is closed; clients beat every 27–30 s. */
  GOIM_IDLE_TIMEOUT_MS: z.coerce.number().int().positive().default(120_000),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});
export type Config = z.infer<typeof schema> & { AUTH_SECRET: string };

const PRODUCTION_NEEDS_SECRET =
  "AUTH_SECRET is not set. In production (NODE_ENV=production) the server needs it: set AUTH_SECRET to 32 or more random characters " +
  "(for example `openssl rand -base64 32`), the same on every node, or start with `npm start`, which keeps one in DATA_DIR/auth-secret.";

/** Parses the environment; a bad value stops the process at boot with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration:\n${z.prettifyError(parsed.error)}`);
  // A production server never invents its secret: several nodes would each invent another, and a lost
  // data directory would silently sign everyone out. `npm start` (scripts/start.mjs) passes the one it keeps.
  if (parsed.data.NODE_ENV === "production" && !parsed.data.AUTH_SECRET) throw new Error(PRODUCTION_NEEDS_SECRET);
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
