import { WebSocket } from "ws";
import { afterAll, describe, expect, it } from "vitest";
import { startServer, useServer } from "./support.ts";
import { form, frame, GoimClient, goimAgent, goimVisitor, joined, ok, type GoimMessage } from "./goim-support.ts";

const { server } = useServer({ GOIM_TCP_PORT: 0, MESSAGES_RATE_LIMIT: null, SIGN_UP_RATE_LIMIT: null });
const clients: GoimClient[] = [];
const tcpPort = async () => {
  await server.app.goim.ready;
  return server.app.goim.tcpAddress()!.port;
};
const tcp = async () => {
  const client = await GoimClient.tcp(await tcpPort());
  clients.push(client);
  return client;
};
const ws = async () => {
  const client = await GoimClient.ws(server.url);
  clients.push(client);
  return client;
};
afterAll(() => clients.forEach((client) => client.close()));

async function visitorOfNewShop() {
  const agent = await goimAgent(server.url);
  const visitor = await goimVisitor(server.url, agent.nickname);
  return { agent, visitor };
}

const push = (user: { token: string; room_id: string; user_id: string; shop_id: string }, msg: string, room = user.room_id) =>
  form<GoimMessage>(server.url, "/open/push", { room_id: room, type: "text", msg, user_id: user.user_id, shop_id: user.shop_id }, user.token);

describe("goim over TCP", () => {
  it("handles several frames of one read in order: auth, subscribe, heartbeat, sync", async () => {
    const { visitor } = await visitorOfNewShop();
    const client = await tcp();
    client.sendRaw(Buffer.concat([frame(7, 101, JSON.stringify(visitor)), frame(14, 102, visitor.room_id), frame(2, 103), frame(18, 104)]));
    const replies = [await client.next(), await client.next(), await client.next(), await client.next()];
    expect(replies.map(({ op, seq }) => [op, seq])).toEqual([
      [8, 101],
      [15, 102],
      [3, 103],
      [19, 104],
    ]);
    expect(replies[0]).toMatchObject({ body: "ok", headerLength: 16, version: 2, packageLength: 18 });
    expect(replies[1]!.body).toBe("subscribed room ok");
    expect(replies[2]!.body).toBe("");
    expect(JSON.parse(replies[3]!.body)).toEqual([]);
  });

  it("puts together a frame split across reads", async () => {
    const { visitor } = await visitorOfNewShop();
    const client = await tcp();
    const subscribe = frame(14, 7, visitor.room_id);
    // The auth frame and the first 5 bytes of the subscribe frame in one write; the server answers the auth,
    // so it has read that write and holds the 5 bytes; then the rest of the header, then the body.
    client.sendRaw(Buffer.concat([frame(7, 6, JSON.stringify(visitor)), subscribe.subarray(0, 5)]));
    expect((await client.nextOp(8)).seq).toBe(6);
    client.sendRaw(subscribe.subarray(5, 20));
    client.sendRaw(subscribe.subarray(20));
    expect(await client.nextOp(15)).toMatchObject({ seq: 7, body: "subscribed room ok" });
  });

  it("drops every frame but auth before auth", async () => {
    const { visitor } = await visitorOfNewShop();
    const client = await tcp();
    client.sendRaw(Buffer.concat([frame(2, 1), frame(18, 2), frame(14, 3, visitor.room_id), frame(7, 4, JSON.stringify(visitor)), frame(2, 5)]));
    const first = await client.next();
    expect([first.op, first.seq]).toEqual([8, 4]);
    expect(await client.next()).toMatchObject({ op: 3, seq: 5 });
  });

  it("refuses a bad token with op 6 then closes", async () => {
    const client = await tcp();
    client.send(7, 9, JSON.stringify({ user_id: "1", token: "forged" }));
    const refusal = await client.nextOp(6);
    expect(refusal.seq).toBe(9);
    expect(JSON.parse(refusal.body)).toMatchObject({ code: "UNAUTHENTICATED" });
    await client.closed;
  });

  it("refuses an auth body that is not the user object", async () => {
    const client = await tcp();
    client.send(7, 1, "not json");
    expect(JSON.parse((await client.nextOp(6)).body)).toMatchObject({ code: "BAD_INPUT" });
    await client.closed;
    const noToken = await tcp();
    noToken.send(7, 1, '{"user_id":"1"}');
    expect(JSON.parse((await noToken.nextOp(6)).body)).toMatchObject({ code: "UNAUTHENTICATED" });
    await noToken.closed;
  });

  it("takes golang-im's load-test client as it is: no token, a shop_id, then heartbeats", async () => {
    const agent = await goimAgent(server.url);
    const client = await tcp();
    // client/main.go's AuthToken, field for field (user_id a number, no token).
    const authToken = { user_id: 1001, nickname: "xxx", face: "https://img.example/a.jpg", room_id: "1646188353", shop_id: agent.nickname, shop_name: "yyyyyshop", shop_face: "https://img.example/b.jpg", platform: "web" };
    client.send(7, 222, JSON.stringify(authToken));
    expect(await client.nextOp(8)).toMatchObject({ seq: 222, body: "ok" });
    client.send(2, 111);
    expect(await client.nextOp(3)).toMatchObject({ seq: 111 });
    const unknownShop = await tcp();
    unknownShop.send(7, 222, JSON.stringify({ ...authToken, shop_id: "no-such-shop" }));
    expect(JSON.parse((await unknownShop.nextOp(6)).body)).toMatchObject({ code: "NOT_FOUND" });
  });

  it("pushes a message posted to the room as op 5, and sync returns it", async () => {
    const { visitor, agent } = await visitorOfNewShop();
    const client = await joined(await tcp(), visitor);
    const posted = ok(await push(visitor, 'he said "hi" <b>&</b>'));
    const pushed = await client.nextOp(5);
    expect(pushed.seq).toBe(0);
    const message = JSON.parse(pushed.body) as GoimMessage;
    expect(message).toEqual(posted);
    expect(message).toMatchObject({ user_id: visitor.user_id, shop_id: agent.shop_id, type: "text", msg: 'he said "hi" <b>&</b>', room_id: visitor.room_id, seq: 1 });
    expect(typeof message.id).toBe("string");
    expect(Math.abs(message.dateline - Date.now() / 1000)).toBeLessThan(60);
    client.send(18, 3);
    expect(JSON.parse((await client.nextOp(19)).body)).toEqual([posted]);
  });

  it("syncs the latest 50 messages, oldest first", async () => {
    const { visitor } = await visitorOfNewShop();
    for (let i = 1; i <= 53; i++) ok(await push(visitor, `message ${i}`));
    const client = await joined(await tcp(), visitor);
    client.send(18, 3);
    const synced = JSON.parse((await client.nextOp(19)).body) as GoimMessage[];
    expect(synced.map((message) => message.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 4));
    expect(synced.at(-1)!.msg).toBe("message 53");
  });

  it("keeps the connection after an unknown op, answering op 22", async () => {
    const { visitor } = await visitorOfNewShop();
    const client = await joined(await tcp(), visitor);
    client.send(99, 5, "?");
    expect(JSON.parse((await client.nextOp(22)).body)).toMatchObject({ code: "BAD_INPUT", op: 99 });
    client.send(2, 6);
    expect((await client.nextOp(3)).seq).toBe(6);
  });

  it.each([
    ["a wrong header length", frame(2, 1, "", { headerLength: 12 })],
    ["a body over 4,096 bytes", frame(4, 1, "x".repeat(4097))],
    ["garbage", Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n")],
    ["a package length shorter than the header", Buffer.from([0, 0, 0, 3, 0, 16, 0, 1, 0, 0, 0, 2, 0, 0, 0, 1])],
  ])("refuses %s with op 6 and closes, and goes on serving others", async (_name, bytes) => {
    const client = await tcp();
    client.sendRaw(bytes);
    expect(JSON.parse((await client.nextOp(6)).body)).toMatchObject({ code: "BAD_FRAME" });
    await client.closed;
    const { visitor } = await visitorOfNewShop();
    await joined(await tcp(), visitor);
  });

  it("refuses a subscription to someone else's room", async () => {
    const { visitor } = await visitorOfNewShop();
    const other = await visitorOfNewShop();
    const client = await tcp();
    client.send(7, 1, JSON.stringify(visitor));
    client.send(14, 2, other.visitor.room_id);
    await client.nextOp(8);
    expect(JSON.parse((await client.nextOp(22)).body)).toMatchObject({ code: "NOT_FOUND", op: 14 });
  });

  it("answers op 4 without a room with golang-im's own words", async () => {
    const { visitor } = await visitorOfNewShop();
    const client = await tcp();
    client.send(7, 1, JSON.stringify(visitor));
    client.send(4, 2, '{"typing":true}');
    await client.nextOp(8);
    expect(await client.nextOp(5)).toMatchObject({ seq: 2, body: "Not subscribing to a room" });
  });
});

describe("goim over WebSocket", () => {
  it("speaks the same frames, one per binary message", async () => {
    const { visitor } = await visitorOfNewShop();
    const client = await joined(await ws(), visitor);
    client.send(2, 3);
    expect(await client.nextOp(3)).toMatchObject({ seq: 3, version: 2 });
    ok(await push(visitor, "over ws"));
    expect(JSON.parse((await client.nextOp(5)).body)).toMatchObject({ msg: "over ws" });
  });

  it("refuses a text message", async () => {
    const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws`);
    const received: Buffer[] = [];
    socket.on("message", (data: Buffer) => received.push(Buffer.from(data)));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send("not a frame");
    await closed;
    expect(received.map((bytes) => bytes.readInt32BE(8))).toEqual([6]);
    expect(JSON.parse(received[0]!.subarray(16).toString())).toMatchObject({ code: "BAD_FRAME" });
  });

  it("relays op 4 to everyone in the room, across transports, without storing it", async () => {
    const { agent, visitor } = await visitorOfNewShop();
    const visitorClient = await joined(await tcp(), visitor);
    const agentClient = await joined(await ws(), agent, visitor.room_id);
    agentClient.send(4, 8, '{"typing":"agent"}');
    expect((await visitorClient.nextOp(5)).body).toBe('{"typing":"agent"}');
    expect((await agentClient.nextOp(5)).body).toBe('{"typing":"agent"}');
    visitorClient.send(18, 9);
    expect(JSON.parse((await visitorClient.nextOp(19)).body)).toEqual([]);
  });

  it("refuses an op 4 body that is not JSON", async () => {
    const { visitor } = await visitorOfNewShop();
    const client = await joined(await ws(), visitor);
    client.send(4, 4, "not json");
    expect(JSON.parse((await client.nextOp(22)).body)).toMatchObject({ code: "BAD_INPUT", op: 4 });
  });

  it("moves the device's read cursor to the acked message (op 20 → 21)", async () => {
    const { agent, visitor } = await visitorOfNewShop();
    const agentClient = await joined(await ws(), agent, visitor.room_id);
    const first = ok(await push(visitor, "one"));
    ok(await push(visitor, "two"));
    const unread = async () => ok(await form<{ list: { unread: number }[] }>(server.url, "/open/finduserlist", { shop_id: agent.shop_id, typ: "offline" }, agent.token)).list[0]!.unread;
    expect(await unread()).toBe(2);
    agentClient.send(20, 11, first.id);
    expect(await agentClient.nextOp(21)).toMatchObject({ seq: 11, body: "" });
    expect(await unread()).toBe(1);
  });

  it("switches rooms with op 12", async () => {
    const agent = await goimAgent(server.url);
    const [a, b] = [await goimVisitor(server.url, agent.nickname), await goimVisitor(server.url, agent.nickname)];
    const agentClient = await joined(await ws(), agent, a.room_id);
    agentClient.send(12, 5, b.room_id);
    expect(await agentClient.nextOp(13)).toMatchObject({ seq: 5, body: "subscribed room ok" });
    ok(await push(a, "to a"));
    ok(await push(b, "to b"));
    expect(JSON.parse((await agentClient.nextOp(5)).body)).toMatchObject({ msg: "to b", room_id: b.room_id });
  });

  it("stops pushes after op 16", async () => {
    const { visitor } = await visitorOfNewShop();
    const client = await joined(await ws(), visitor);
    client.send(16, 4);
    expect(await client.nextOp(17)).toMatchObject({ body: "unsubscribed room ok" });
    ok(await push(visitor, "unheard"));
    client.send(2, 5); // the heartbeat reply comes after any push the message would have caused
    expect((await client.next()).op).toBe(3);
  });
});

describe("connections the server ends", () => {
  it("cuts an agent whose session row is gone, at the next session recheck", async () => {
    const rechecked = await startServer({ AGENT_SESSION_RECHECK_MS: 100, SIGN_UP_RATE_LIMIT: null });
    try {
      const agent = await goimAgent(rechecked.url);
      const visitor = await goimVisitor(rechecked.url, agent.shop_id);
      const client = await joined(await GoimClient.ws(rechecked.url), agent, visitor.room_id);
      clients.push(client);
      await rechecked.db.session.deleteMany({ where: { sessionToken: agent.token } }); // an administrator, behind Parley's back
      expect(JSON.parse((await client.nextOp(6)).body)).toMatchObject({ code: "UNAUTHENTICATED" });
      await client.closed;
    } finally {
      await rechecked.close();
    }
  });

  it("closes a connection that sends nothing for GOIM_IDLE_TIMEOUT_MS", async () => {
    const idle = await startServer({ GOIM_TCP_PORT: 0, GOIM_IDLE_TIMEOUT_MS: 300 });
    try {
      await idle.app.goim.ready;
      const client = await GoimClient.tcp(idle.app.goim.tcpAddress()!.port);
      expect(JSON.parse((await client.nextOp(6)).body)).toMatchObject({ code: "IDLE" });
      await client.closed;
    } finally {
      await idle.close();
    }
  });
});
