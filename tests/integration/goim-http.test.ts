import { afterAll, describe, expect, it } from "vitest";
import type { MessageView } from "../../src/server/socket/contract.ts";
import { connectAgent, seedAgent, useServer, waitFor } from "./support.ts";
import { images } from "./uploads-support.ts";
import { form, GoimClient, goimAgent, goimVisitor, joined, ok, type Envelope, type GoimMessage, type GoimUser } from "./goim-support.ts";

const { server, track } = useServer({ SIGN_UP_RATE_LIMIT: null, MESSAGES_RATE_LIMIT: null });
const clients: GoimClient[] = [];
afterAll(() => clients.forEach((client) => client.close()));

const HEX32 = /^[0-9a-f]{32}$/;
const GO_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const USER_FIELDS = ["user_id", "nickname", "face", "device_id", "room_id", "shop_id", "shop_name", "shop_face", "platform", "suburl", "pushurl", "remote_addr", "referer", "user_agent", "created_at", "token"].sort();
const push = (user: GoimUser, msg: string, type = "text") =>
  form<GoimMessage>(server.url, "/open/push", { room_id: user.room_id, type, msg, user_id: user.user_id, shop_id: user.shop_id }, user.token);
const connected = async (user: GoimUser, room = user.room_id) => {
  const client = await GoimClient.ws(server.url);
  clients.push(client);
  return joined(client, user, room);
};

describe("CORS and the envelope", () => {
  it("answers a preflight from any origin that asks for the token header", async () => {
    const response = await fetch(new URL("/open/push", server.url), {
      method: "OPTIONS",
      headers: { origin: "https://shop.example", "access-control-request-method": "POST", "access-control-request-headers": "token" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toContain("token");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
  });

  it("wraps every answer in {code, msg, success, result}, with HTTP 200 and CORS headers", async () => {
    const response = await fetch(new URL("/open/adduser", server.url), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "shop_id=nobody-here" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.json()).toEqual({ code: -1, msg: "no such shop_id", success: false, result: null, error: "NOT_FOUND" });
  });

  it("answers /ping with pong", async () => {
    const response = await fetch(new URL("/ping", server.url));
    expect(await response.text()).toBe("pong");
  });
});

describe("accounts", () => {
  it("registers an ordinary agent with a hashed password, and refuses the name a second time", async () => {
    const nickname = `shop${Date.now()}`;
    const first = ok(await form<{ shop_id: string; nickname: string }>(server.url, "/auth/register", { nickname, password: "correct horse battery" }));
    expect(first).toEqual({ shop_id: expect.stringMatching(HEX32), nickname });
    const row = await server.db.agent.findUniqueOrThrow({ where: { username: nickname }, include: { device: true } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row).toMatchObject({ name: nickname, deviceId: first.shop_id, email: null, device: { kind: "AGENT" } });
    const again = await form(server.url, "/auth/register", { nickname, password: "another password" });
    expect(again).toMatchObject({ success: false, code: -1, error: "CONFLICT", msg: "this nickname is already registered" });
    expect((await server.db.agent.findUniqueOrThrow({ where: { username: nickname } })).passwordHash).toBe(row.passwordHash);
  });

  it("refuses a short password and an empty nickname", async () => {
    expect(await form(server.url, "/auth/register", { nickname: "shortpw", password: "1234" })).toMatchObject({ success: false, error: "BAD_INPUT" });
    expect(await form(server.url, "/auth/register", { nickname: "", password: "correct horse battery" })).toMatchObject({ success: false, error: "BAD_INPUT" });
  });

  it("logs in with the agent's user object (user_id = shop_id), and refuses a wrong password", async () => {
    const nickname = `login${Date.now()}`;
    ok(await form(server.url, "/auth/register", { nickname, password: "correct horse battery" }));
    const user = ok(await form<GoimUser>(server.url, "/auth/login", { nickname, password: "correct horse battery" }));
    expect(Object.keys(user).sort()).toEqual(USER_FIELDS);
    expect(user).toMatchObject({ nickname, shop_name: nickname, platform: "web", room_id: "", remote_addr: "127.0.0.1" });
    expect(user.user_id).toMatch(HEX32);
    expect(user.shop_id).toBe(user.user_id);
    expect(user.device_id).toBe(user.user_id);
    expect(user.suburl).toBe(`${server.url.replace("http", "ws")}/ws`);
    expect(user.pushurl).toBe(`${server.url}/open/push`);
    expect(user.created_at).toMatch(GO_TIME);
    expect(user.token.length).toBeGreaterThan(20);
    expect(await form(server.url, "/auth/login", { nickname, password: "wrong password" })).toMatchObject({ success: false, error: "UNAUTHENTICATED" });
  });

  it("adds a visitor of a shop named by its nickname or its shop_id", async () => {
    const agent = await goimAgent(server.url);
    const response = await fetch(new URL("/open/adduser", server.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", referer: "https://shop.example/cart", "user-agent": "TestBrowser/1.0" },
      body: new URLSearchParams({ shop_id: agent.nickname }).toString(),
    });
    const visitor = ok((await response.json()) as Envelope<GoimUser>);
    expect(Object.keys(visitor).sort()).toEqual(USER_FIELDS);
    expect(visitor.user_id).toMatch(HEX32);
    expect(visitor).toMatchObject({
      device_id: visitor.user_id,
      room_id: visitor.user_id + agent.shop_id,
      shop_id: agent.shop_id,
      shop_name: agent.nickname,
      platform: "web",
      referer: "https://shop.example/cart",
      user_agent: "TestBrowser/1.0",
      remote_addr: "127.0.0.1",
      suburl: `${server.url.replace("http", "ws")}/ws`,
      pushurl: `${server.url}/open/push`,
    });
    expect(visitor.created_at).toMatch(GO_TIME);
    const byShopId = ok(await form<GoimUser>(server.url, "/open/adduser", { shop_id: agent.shop_id }));
    expect(byShopId.shop_id).toBe(agent.shop_id);
    expect(byShopId.user_id).not.toBe(visitor.user_id);
  });

  it("logs out to the sign-in page, ending the session and its goim connections", async () => {
    const agent = await goimAgent(server.url);
    const visitor = await goimVisitor(server.url, agent.shop_id);
    const client = await connected(agent, visitor.room_id);
    const response = await fetch(new URL(`/auth/logout?token=${encodeURIComponent(agent.token)}`, server.url), { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/admin/sign-in");
    expect(JSON.parse((await client.nextOp(6)).body)).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await form(server.url, "/open/finduserlist", { shop_id: agent.shop_id }, agent.token)).toMatchObject({ success: false, error: "UNAUTHENTICATED" });
  });
});

describe("messages", () => {
  it("takes the token as ?token= or a token header, and refuses a call without one", async () => {
    const agent = await goimAgent(server.url);
    const visitor = await goimVisitor(server.url, agent.shop_id);
    const fields = { room_id: visitor.room_id, type: "text", msg: "by query", user_id: visitor.user_id, shop_id: visitor.shop_id };
    expect(ok(await form<GoimMessage>(server.url, `/open/push?token=${encodeURIComponent(visitor.token)}`, fields)).msg).toBe("by query");
    expect(ok(await push(visitor, "by header")).msg).toBe("by header");
    expect(await form(server.url, "/open/push", fields)).toMatchObject({ success: false, error: "UNAUTHENTICATED" });
  });

  it("sends as the token's user: a user_id naming someone else is refused", async () => {
    const agent = await goimAgent(server.url);
    const visitor = await goimVisitor(server.url, agent.shop_id);
    const spoofed = await form(server.url, "/open/push", { room_id: visitor.room_id, type: "text", msg: "I am the shop", user_id: agent.user_id, shop_id: agent.shop_id }, visitor.token);
    expect(spoofed).toMatchObject({ success: false, error: "FORBIDDEN" });
  });

  it("reaches the Parley console of the shop, with quotes and markup kept as text", async () => {
    const agent = await seedAgent(server.db);
    const socket = await connectAgent(server.url, agent.cookie);
    track(socket);
    const visitor = await goimVisitor(server.url, agent.deviceId);
    const text = `"quoted" \\ <img src=x onerror=alert(1)> 你好`;
    const [heard, posted] = await Promise.all([waitFor<MessageView>(socket, "message:sent"), push(visitor, text)]);
    expect(heard.body).toBe(text);
    expect(ok(posted).msg).toBe(text);
  });

  it("lists a room's messages newest first, a page at a time", async () => {
    const agent = await goimAgent(server.url);
    const visitor = await goimVisitor(server.url, agent.shop_id);
    for (const msg of ["one", "two", "three"]) ok(await push(visitor, msg));
    const page1 = ok(await form<{ total: number; page: number; limit: number; list: GoimMessage[] }>(server.url, "/open/listmsg?page=1&limit=2", { room_id: visitor.room_id }, agent.token));
    expect(page1).toMatchObject({ total: 3, page: 1, limit: 2 });
    expect(page1.list.map((message) => message.msg)).toEqual(["three", "two"]);
    const page2 = ok(await form<{ list: GoimMessage[] }>(server.url, "/open/listmsg?page=2&limit=2", { room_id: visitor.room_id }, visitor.token));
    expect(page2.list.map((message) => message.msg)).toEqual(["one"]);
    const stranger = await goimVisitor(server.url, agent.shop_id);
    expect(await form(server.url, "/open/listmsg", { room_id: visitor.room_id }, stranger.token)).toMatchObject({ success: false, error: "NOT_FOUND" });
  });

  it("uploads an image, answers its URL (also as filename), and sends it as an image message", async () => {
    const agent = await seedAgent(server.db);
    const socket = await connectAgent(server.url, agent.cookie);
    track(socket);
    const visitor = await goimVisitor(server.url, agent.deviceId);
    const body = new FormData();
    body.append("Filedata", new Blob([await images.png()], { type: "image/png" }), "photo.png");
    const response = await fetch(new URL(`/upload/file?token=${encodeURIComponent(visitor.token)}`, server.url), { method: "POST", body });
    const reply = (await response.json()) as Envelope<{ url: string; filename: string; kind: string }>;
    const uploaded = ok(reply);
    expect(uploaded.url).toMatch(new RegExp(`^${server.url}/api/uploads/[0-9a-f-]{36}$`));
    expect(uploaded).toMatchObject({ filename: uploaded.url, kind: "image" });
    expect(reply.filename).toBe(uploaded.url); // where golang-im's page reads it
    expect((await fetch(uploaded.url)).headers.get("content-type")).toBe("image/png");
    const [heard, posted] = await Promise.all([waitFor<MessageView>(socket, "message:sent"), push(visitor, uploaded.url, "image")]);
    expect(heard).toMatchObject({ type: "image", attachment: { kind: "image" } });
    expect(ok(posted)).toMatchObject({ type: "image", msg: uploaded.url });
  });
});

describe("the agent's lists", () => {
  it("lists visitors online first, counts unread from zero, and filters typ=online", async () => {
    const agent = await goimAgent(server.url);
    const quiet = await goimVisitor(server.url, agent.shop_id);
    const talking = await goimVisitor(server.url, agent.shop_id);
    for (const msg of ["a", "b"]) ok(await push(quiet, msg));
    ok(await push(talking, "hello"));
    await connected(talking); // online through a goim connection

    type List = { total: number; limit: number; page: number; list: Record<string, unknown>[] };
    const all = ok(await form<List>(server.url, "/open/finduserlist", { shop_id: agent.shop_id, typ: "offline" }, agent.token));
    expect(all).toMatchObject({ total: 2, limit: 15, page: 1 });
    expect(all.list.map((entry) => entry.user_id)).toEqual([talking.user_id, quiet.user_id]);
    const [first, second] = all.list;
    expect(Object.keys(first!).sort()).toEqual(["created_at", "face", "is_online", "last_message", "nickname", "referer", "remote_addr", "room_id", "unread", "user_agent", "user_id"]);
    expect(first).toMatchObject({ room_id: talking.room_id, is_online: true, unread: 1, remote_addr: "127.0.0.1", nickname: talking.nickname });
    expect(second).toMatchObject({ room_id: quiet.room_id, is_online: false, unread: 2 }); // never acked: counted from zero, still listed
    expect((second!.last_message as string[]).map((json) => JSON.parse(json) as GoimMessage)).toMatchObject([{ msg: "b", room_id: quiet.room_id }]);
    expect(first!.created_at).toMatch(GO_TIME);

    const online = ok(await form<List>(server.url, "/open/finduserlist", { shop_id: agent.nickname, typ: "online" }, agent.token));
    expect(online.list.map((entry) => entry.user_id)).toEqual([talking.user_id]);
    // golang-im lists only those online for any typ but "offline", or none.
    for (const typ of [{}, { typ: "online-or-not" }] as Record<string, string>[]) {
      const listed = ok(await form<List>(server.url, "/open/finduserlist", { shop_id: agent.shop_id, ...typ }, agent.token));
      expect(listed.list.map((entry) => entry.user_id)).toEqual([talking.user_id]);
    }
    const paged = ok(await form<List>(server.url, "/open/finduserlist?page=2&limit=1", { shop_id: agent.shop_id, typ: "offline" }, agent.token));
    expect(paged.list.map((entry) => entry.user_id)).toEqual([quiet.user_id]);
  });

  it("shows an agent only its own visitors", async () => {
    const agent = await goimAgent(server.url);
    const other = await goimAgent(server.url);
    const visitor = await goimVisitor(server.url, agent.shop_id);
    expect(await form(server.url, "/open/finduserlist", { shop_id: agent.shop_id }, other.token)).toMatchObject({ success: false, error: "FORBIDDEN" });
    expect(await form(server.url, "/open/finduserlist", { shop_id: agent.shop_id }, visitor.token)).toMatchObject({ success: false, error: "FORBIDDEN" });
    expect(await form(server.url, "/open/finduserinfo", { user_id: visitor.user_id }, other.token)).toMatchObject({ success: false, error: "NOT_FOUND" });
    const info = ok(await form<Record<string, unknown>>(server.url, "/open/finduserinfo", { user_id: visitor.user_id }, agent.token));
    expect(info).toMatchObject({ user_id: visitor.user_id, room_id: visitor.room_id, unread: 0, last_message: [] });
  });

  it("keeps an IP blacklist per agent: add, list, delete", async () => {
    const agent = await goimAgent(server.url);
    const other = await goimAgent(server.url);
    ok(await form(server.url, "/open/addIpblack", { shop_id: agent.shop_id, ip: "203.0.113.7" }, agent.token));
    ok(await form(server.url, "/open/addIpblack", { shop_id: agent.shop_id, ip: "::ffff:198.51.100.1" }, agent.token));
    type Blocks = { total: number; limit: number; page: number; list: string[]; blocks: { ip: string; created_at: string }[] };
    const listed = ok(await form<Blocks>(server.url, "/open/listIpblack", { shop_id: agent.shop_id }, agent.token));
    expect(listed).toMatchObject({ total: 2, limit: 15, page: 1 });
    expect([...listed.list].sort()).toEqual(["198.51.100.1", "203.0.113.7"]); // golang-im's page shows list[i] as the address
    expect(listed.blocks.map((block) => block.ip)).toEqual(listed.list);
    expect(listed.blocks[0]!.created_at).toMatch(GO_TIME);
    expect(ok(await form<Blocks>(server.url, "/open/listIpblack", { shop_id: other.shop_id }, other.token)).list).toEqual([]);
    expect(await form(server.url, "/open/addIpblack", { shop_id: agent.shop_id, ip: "not an ip" }, agent.token)).toMatchObject({ success: false, error: "BAD_INPUT" });
    expect(await form(server.url, "/open/addIpblack", { shop_id: agent.shop_id, ip: "192.0.2.1" }, other.token)).toMatchObject({ success: false, error: "FORBIDDEN" });
    ok(await form(server.url, "/open/delIpblack", { shop_id: agent.shop_id, ip: "203.0.113.7" }, agent.token));
    expect(ok(await form<Blocks>(server.url, "/open/listIpblack", { shop_id: agent.shop_id }, agent.token)).list).toEqual(["198.51.100.1"]);
  });
});
