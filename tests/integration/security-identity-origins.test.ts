import { beforeEach, describe, expect, it } from "vitest";
import { signVisitorToken } from "../../src/core/tokens/visitor-token.ts";
import { connect, connectAgent, connectError, postJson, seedAgent, send, unwrap, useServer, type SeededAgent, type TestSocket } from "./support.ts";
import { getSettings, updateSettings } from "./security-identity-support.ts";

const { server, track } = useServer();
const SHOP = "https://shop.example";

let agent: SeededAgent;
let console_: TestSocket;
beforeEach(async () => {
  agent = await seedAgent(server.db);
  console_ = await connectAgent(server.url, agent.cookie);
  track(console_);
});

const allow = async (...origins: string[]) => unwrap(await updateSettings(console_, { allowedOrigins: origins })).settings;
const identify = (body: Record<string, unknown>) => postJson(server.url, "/api/visitors", { agentId: agent.deviceId, ...body });
async function identifyOk(body: Record<string, unknown>) {
  const response = await identify(body);
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { token: string; conversationId: string; visitor: { deviceId: string } } }).data;
}

describe("agent:update-settings with allowedOrigins", () => {
  it("stores the list normalised to origins, and agent:get-settings returns it", async () => {
    expect((await allow("https://Shop.Example/", "http://localhost:8080", SHOP)).allowedOrigins).toEqual([SHOP, "http://localhost:8080"]);
    const { settings } = unwrap(await getSettings(console_));
    expect(settings.allowedOrigins).toEqual([SHOP, "http://localhost:8080"]);
  });

  it("answers BAD_INPUT for an entry that is not an origin, and changes nothing", async () => {
    await allow(SHOP);
    for (const allowedOrigins of [["https://shop.example/cart"], ["shop.example"], ["javascript:alert(1)"], "https://shop.example", [42]]) {
      const reply = await updateSettings(console_, { allowedOrigins });
      expect(reply).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    }
    expect(await server.db.agent.findUniqueOrThrow({ where: { id: agent.id }, select: { allowedOrigins: true } })).toEqual({ allowedOrigins: [SHOP] });
  });

  it("is for agents only: a visitor gets FORBIDDEN for both settings events", async () => {
    const visitor = await identifyOk({});
    const socket = await connect(server.url, { auth: { token: visitor.token } });
    track(socket);
    expect(await updateSettings(socket, { allowedOrigins: [] })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await getSettings(socket)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });
});

describe("POST /api/visitors and allowed origins", () => {
  it("serves any page while the list is empty", async () => {
    await identifyOk({ page: "https://anywhere.example/x" });
    await identifyOk({});
  });

  it("answers 403 FORBIDDEN for a page on another origin, or no page at all, once the list is set", async () => {
    await allow(SHOP);
    await identifyOk({ page: `${SHOP}/pricing?plan=pro` });
    for (const page of ["https://evil.example/", "http://shop.example/", "https://shop.example.evil.example/", undefined]) {
      const response = await identify({ page });
      expect(response.status).toBe(403);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe("FORBIDDEN");
      expect(error.message).toMatch(page ? /may not be embedded on .*allowed origins/ : /no page URL was given/);
    }
  });
});

describe("the socket handshake and allowed origins", () => {
  it("admits a token issued on an allowed page, with auth.page on that origin", async () => {
    await allow(SHOP);
    const { token, conversationId } = await identifyOk({ page: `${SHOP}/` });
    const socket = await connect(server.url, { auth: { token, page: `${SHOP}/cart` } });
    track(socket);
    expect(unwrap(await send(socket, conversationId, "hello")).message.seq).toBe(1);
  });

  it("refuses with FORBIDDEN a handshake whose auth.page is on another origin", async () => {
    await allow(SHOP);
    const { token } = await identifyOk({ page: `${SHOP}/` });
    const err = await connectError(server.url, { auth: { token, page: "https://evil.example/" } });
    expect(err.data).toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("https://evil.example") });
    expect((await connectError(server.url, { auth: { token, page: "not a url" } })).data?.code).toBe("FORBIDDEN");
  });

  it("holds the token's origin to the agent's current list: removing the origin cuts new connections", async () => {
    await allow(SHOP, "https://other.example");
    const { token } = await identifyOk({ page: `${SHOP}/` });
    (await connect(server.url, { auth: { token } })).close();
    await allow("https://other.example");
    expect((await connectError(server.url, { auth: { token } })).data?.code).toBe("FORBIDDEN");
    expect((await connectError(server.url, { auth: { token, page: "https://other.example/" } })).data?.code).toBe("FORBIDDEN");
    await allow();
    (await connect(server.url, { auth: { token } })).close(); // an empty list allows every site again
  });

  it("refuses a token issued with no page once the list is set", async () => {
    const { token } = await identifyOk({});
    await allow(SHOP);
    expect((await connectError(server.url, { auth: { token, page: `${SHOP}/` } })).data?.code).toBe("FORBIDDEN");
  });

  it("refuses a token whose origin claim was never issued by the server (signature check first)", async () => {
    await allow(SHOP);
    const { visitor } = await identifyOk({ page: `${SHOP}/` });
    const forged = await signVisitorToken(visitor.deviceId, { secret: "someone-elses-secret-of-32-characters!!", ttlSeconds: 3600 }, { agentDeviceId: agent.deviceId, origin: SHOP });
    expect((await connectError(server.url, { auth: { token: forged, page: `${SHOP}/` } })).data?.code).toBe("UNAUTHENTICATED");
  });
});

describe("GET /im (the visitor window) and allowed origins", () => {
  const cspOf = async (path: string) => (await fetch(new URL(path, server.url))).headers.get("content-security-policy");

  it("may be framed by any site while the list is empty", async () => {
    expect(await cspOf(`/im?agent=${agent.deviceId}`)).toBe("frame-ancestors *");
  });

  it("may be framed only by the allowed origins once the list is set, under both of its names", async () => {
    await allow(SHOP, "https://www.shop.example");
    expect(await cspOf(`/im?agent=${agent.deviceId}&page=https%3A%2F%2Fevil.example%2F`)).toBe("frame-ancestors https://shop.example https://www.shop.example");
    expect(await cspOf(`/im.html?agent=${agent.deviceId}`)).toBe("frame-ancestors https://shop.example https://www.shop.example");
  });

  it("gets no frame-ancestors on other pages", async () => {
    await allow(SHOP);
    expect(await cspOf(`/admin?agent=${agent.deviceId}`)).toBeNull();
  });
});
