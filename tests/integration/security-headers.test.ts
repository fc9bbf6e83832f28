// Headers the custom server sets on its own routes, what it tells the Next.js half about the client, and the
// page headers next.config.js declares (the pages themselves are checked in a browser by the e2e tests).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nextConfig from "../../next.config.js";
import { loadConfig } from "../../src/config.ts";
import { createDb, type Db } from "../../src/core/db.ts";
import { CLIENT_ADDRESS_HEADER } from "../../src/server/http/client-address.ts";
import { createApp, type App } from "../../src/server/index.ts";
import { createLogger } from "../../src/server/log.ts";
import { postJson, seedAgent, TEST_SECRET, useServer } from "./support.ts";

describe("the custom server's own routes", () => {
  const { server } = useServer();

  it("send JSON with nosniff, whatever the outcome", async () => {
    const agent = await seedAgent(server.db);
    const answers = await Promise.all([
      fetch(new URL("/api/health", server.url)),
      postJson(server.url, "/api/visitors", { agentId: agent.deviceId }),
      postJson(server.url, "/api/visitors", "not json"),
      fetch(new URL("/api/uploads/not-an-id", server.url)),
      fetch(new URL("/nothing-here", server.url)), // no Next.js in these tests: the server's own 404
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 400, 404, 404]);
    for (const answer of answers) {
      expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("cache-control")).toBe("no-store");
    }
  });
});

describe("what the Next.js half learns about the client", () => {
  const db: Db = createDb("postgres://nobody@127.0.0.1:1/none"); // page requests never reach the database
  const seen: IncomingMessage["headers"][] = [];
  const apps: { url: string; app: App }[] = [];

  // A stand-in for Next.js that answers with nothing but records the headers it was handed.
  const next = {
    handle: async (req: IncomingMessage, res: ServerResponse) => {
      seen.push({ ...req.headers });
      res.end();
    },
    upgrade: async () => undefined,
  };
  const start = async (trustProxy: boolean) => {
    const config = { ...loadConfig({ AUTH_SECRET: TEST_SECRET, LOG_LEVEL: "silent" }), TRUST_PROXY: trustProxy };
    const httpServer = createServer();
    const app = createApp(httpServer, { config, db, log: createLogger("silent"), next });
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`, app };
  };
  const pageRequest = async (url: string, headers: Record<string, string>) => {
    await fetch(new URL("/admin/sign-in", url), { headers });
    return seen.at(-1)!;
  };

  beforeAll(async () => {
    apps.push(await start(false), await start(true));
  });
  afterAll(async () => {
    await Promise.all(apps.map(({ app }) => app.close()));
    await db.$disconnect();
  });

  it("is the connection's address, replacing whatever the client claimed, when there is no trusted proxy", async () => {
    const headers = await pageRequest(apps[0]!.url, { [CLIENT_ADDRESS_HEADER]: "203.0.113.1", "x-forwarded-for": "203.0.113.2" });
    expect(headers[CLIENT_ADDRESS_HEADER]).toBe("127.0.0.1");
  });

  it("is the first X-Forwarded-For hop behind a trusted proxy, never the client's own header", async () => {
    const headers = await pageRequest(apps[1]!.url, { [CLIENT_ADDRESS_HEADER]: "203.0.113.1", "x-forwarded-for": "198.51.100.4, 10.0.0.2" });
    expect(headers[CLIENT_ADDRESS_HEADER]).toBe("198.51.100.4");
  });
});

describe("the page headers in next.config.js", () => {
  type Rule = { source: string; headers: { key: string; value: string }[] };
  let rules: Rule[];
  beforeAll(async () => {
    rules = (await nextConfig("phase-production-server").headers!()) as Rule[];
  });
  // Next.js matches `source` as a path pattern; these sources are plain paths or one regular expression group.
  const matches = (source: string, path: string) => new RegExp(`^${source.replace("/:path*", "(?:/.*)?")}$`).test(path);
  /** The headers a path gets: for a key set by several matching rules, the last one wins, as in Next.js. */
  const headersOf = (path: string) =>
    Object.fromEntries(rules.filter((rule) => matches(rule.source, path)).flatMap((rule) => rule.headers.map(({ key, value }) => [key.toLowerCase(), value])));

  it("keep the console from being framed by anyone", () => {
    for (const path of ["/admin", "/admin/sign-in", "/admin/sign-up", "/"]) {
      const headers = headersOf(path);
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(headers["x-frame-options"]).toBe("DENY");
    }
  });

  it("let any site frame the visitor window (/im and its old name /im.html)", () => {
    for (const path of ["/im", "/im.html"]) {
      const headers = headersOf(path);
      expect(headers["content-security-policy"]).toBeDefined();
      expect(headers["content-security-policy"]).not.toContain("frame-ancestors");
      expect(headers["x-frame-options"]).toBeUndefined();
    }
  });

  it("allow scripts only from our own origin, and no plugins, foreign forms or <base> tricks, on every page", () => {
    for (const path of ["/admin", "/im", "/im.html", "/"]) {
      const policy = Object.fromEntries(headersOf(path)["content-security-policy"]!.split("; ").map((directive) => [directive.split(" ")[0], directive]));
      // Next.js pages bootstrap through inline scripts; the visitor window, which other sites embed, has none.
      expect(policy["script-src"]).toBe(path.startsWith("/im") ? "script-src 'self'" : "script-src 'self' 'unsafe-inline'");
      expect(policy["connect-src"]).toBe("connect-src 'self'");
      expect(policy["object-src"]).toBe("object-src 'none'");
      expect(policy["base-uri"]).toBe("base-uri 'self'");
      expect(policy["form-action"]).toBe("form-action 'self'");
      expect(headersOf(path)).toMatchObject({ "x-content-type-options": "nosniff", "referrer-policy": "strict-origin-when-cross-origin" });
    }
  });

  it("leave the widget script loadable from any site", () => {
    const headers = headersOf("/widget.js");
    expect(headers["cross-origin-resource-policy"]).toBeUndefined();
    expect(headers["x-content-type-options"]).toBe("nosniff");
  });
});
