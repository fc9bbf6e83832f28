import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";

// A literal environment, as the process would see it (the DOM/Next typings insist on NODE_ENV being present).
const load = (env: Record<string, string>) => loadConfig(env);
const SECRET = "a-configured-secret-of-at-least-32-chars";
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "parley-config-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe("loadConfig", () => {
  it("fills in the defaults for an empty environment", () => {
    const config = load({ DATA_DIR: dataDir });
    expect(config.DATABASE_URL).toBeUndefined(); // the embedded database
    expect(config).toMatchObject({
      NODE_ENV: "development",
      HOST: "0.0.0.0",
      PORT: 3000,
      PRESENCE_GRACE_MS: 5000,
      VISITOR_TOKEN_TTL_SECONDS: 24 * 3600,
      VISITOR_TOKEN_RENEW_SECONDS: 180 * 24 * 3600,
      AGENT_SESSION_RECHECK_MS: 60_000,
      LOG_LEVEL: "info",
    });
  });

  it("reads numbers from their strings", () => {
    expect(load({ DATA_DIR: dataDir, PORT: "8080", PRESENCE_GRACE_MS: "0" })).toMatchObject({ PORT: 8080, PRESENCE_GRACE_MS: 0 });
  });

  it("takes a postgres:// or postgresql:// DATABASE_URL", () => {
    expect(load({ DATA_DIR: dataDir, DATABASE_URL: "postgres://u:p@db:5432/parley" }).DATABASE_URL).toBe("postgres://u:p@db:5432/parley");
    expect(load({ DATA_DIR: dataDir, DATABASE_URL: "postgresql://db/parley" }).DATABASE_URL).toBe("postgresql://db/parley");
  });

  it("treats an empty DATABASE_URL as unset, meaning the embedded database", () => {
    expect(load({ DATA_DIR: dataDir, DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  it.each(["abc", "70000", "-1", "80.5"])("refuses PORT=%s with a message naming PORT", (port) => {
    expect(() => load({ DATA_DIR: dataDir, PORT: port })).toThrow(/Invalid configuration:[\s\S]*PORT/);
  });

  it("refuses a DATABASE_URL that is not PostgreSQL, saying what it must be", () => {
    expect(() => load({ DATA_DIR: dataDir, DATABASE_URL: "mysql://db/parley" })).toThrow(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(() => load({ DATA_DIR: dataDir, DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
  });

  it("refuses an AUTH_SECRET shorter than 32 characters", () => {
    expect(() => load({ DATA_DIR: dataDir, AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET must be at least 32 characters/);
  });

  it("refuses an unknown LOG_LEVEL", () => {
    expect(() => load({ DATA_DIR: dataDir, LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL/);
  });

  it("uses AUTH_SECRET when set, and writes no secret file", () => {
    expect(load({ DATA_DIR: dataDir, AUTH_SECRET: SECRET }).AUTH_SECRET).toBe(SECRET);
    expect(existsSync(join(dataDir, "auth-secret"))).toBe(false);
  });

  it("generates a secret when AUTH_SECRET is unset, and keeps it in DATA_DIR readable by the owner only", () => {
    const { AUTH_SECRET } = load({ DATA_DIR: dataDir });
    expect(AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dataDir, "auth-secret"), "utf8")).toBe(AUTH_SECRET);
    expect(statSync(join(dataDir, "auth-secret")).mode & 0o077).toBe(0);
  });

  it("reuses the kept secret on the next start, so tokens and sessions survive a restart", () => {
    const first = load({ DATA_DIR: dataDir }).AUTH_SECRET;
    expect(load({ DATA_DIR: dataDir }).AUTH_SECRET).toBe(first);
  });

  it("refuses to start in production without AUTH_SECRET, saying how to set one, and writes no secret file", () => {
    expect(() => load({ DATA_DIR: dataDir, NODE_ENV: "production" })).toThrow(/AUTH_SECRET is not set\. In production \(NODE_ENV=production\)[\s\S]*openssl rand -base64 32[\s\S]*npm start/);
    expect(() => load({ DATA_DIR: dataDir, NODE_ENV: "production", AUTH_SECRET: "" })).toThrow(/AUTH_SECRET is not set/);
    expect(existsSync(join(dataDir, "auth-secret"))).toBe(false);
  });

  it("starts in production with AUTH_SECRET from the environment", () => {
    expect(load({ DATA_DIR: dataDir, NODE_ENV: "production", AUTH_SECRET: SECRET }).AUTH_SECRET).toBe(SECRET);
  });

  it("creates DATA_DIR when it does not exist yet", () => {
    const nested = join(dataDir, "not", "yet");
    expect(load({ DATA_DIR: nested }).AUTH_SECRET).toBe(readFileSync(join(nested, "auth-secret"), "utf8"));
  });
});
