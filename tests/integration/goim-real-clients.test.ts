// golang-im's own clients, replayed byte for byte against Parley. Each step below is what the real client
// sends and reads, checked against poembro/golang-im: the visitor page (dist/im.html + dist/imstatic/js/goim.js),
// the agent pages (dist/admin/login.html, register.html, dist/static/js/chat-main.js with its frame client
// dist/static/js/reconnecting-websocket.min.js) and the TCP test client (client/main.go, which encodes with
// pkg/protocol/protocol.go). See docs/golang-im.md, "Checked against golang-im's clients".
import { connect as tcpConnect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { useServer } from "./support.ts";
import { images } from "./uploads-support.ts";
import { GoimClient, type GoimFrame, type GoimUser } from "./goim-support.ts";

const { server } = useServer({ GOIM_TCP_PORT: 0, SIGN_UP_RATE_LIMIT: null, MESSAGES_RATE_LIMIT: null });
const clients: GoimClient[] = [];
afterAll(() => clients.forEach((client) => client.close()));

const PAGE_ORIGIN = "http://shop.example";

/** jQuery's $.param: encodeURIComponent, then %20 as "+". */
const jqueryParam = (data: Record<string, string>) =>
  Object.entries(data)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`.replace(/%20/g, "+"))
    .join("&");

type Reply<T = unknown> = { code: number; msg: string; success: boolean; result: T; [key: string]: unknown };

/**
 * A jQuery `$.ajax({type: "POST", data, headers: {token}})` (or `$.post`, without headers) from a page on another
 * origin. goim.js calls /open/adduser with `headers: {token: undefined}`: jQuery 1.x leaves such a header out,
 * later versions hand it to XMLHttpRequest, which sends the string "undefined"; the test sends the latter.
 */
async function jqueryPost<T>(url: string, data: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8", accept: "*/*", origin: PAGE_ORIGIN, referer: `${PAGE_ORIGIN}/im.html`, ...headers },
    body: jqueryParam(data),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/); // jQuery parses the reply as JSON from this
  expect(response.headers.get("access-control-allow-origin")).toBe("*");
  return (await response.json()) as Reply<T>;
}

/** The pages' sendAjax: the callback gets `result` when success is true; otherwise they alert `msg`. */
function succeeded<T>(reply: Reply<T>): T {
  if (!reply.success) throw new Error(`the page would alert: ${reply.msg}`);
  expect(reply.code).toBe(200);
  return reply.result;
}

/** A frame as goim.js / reconnecting-websocket.min.js build it with DataView: big-endian, version 1, seq 1. */
function pageFrame(op: number, body?: string): Buffer {
  const payload = Buffer.from(body ?? "", "utf8"); // TextEncoder.encode(undefined) is empty too
  const header = Buffer.alloc(16);
  header.writeInt32BE(16 + payload.length, 0);
  header.writeInt16BE(16, 4);
  header.writeInt16BE(1, 6);
  header.writeInt32BE(op, 8);
  header.writeInt32BE(1, 12);
  return Buffer.concat([header, payload]);
}

/** What the pages' onmessage does with an op 5 / op 19 body: JSON.parse, then render.show needs these truthy. */
function rendered(frame: GoimFrame): { id: string; msg: string; dateline: number; user_id: string; type: string } {
  const show = JSON.parse(frame.body) as Record<string, unknown>;
  for (const field of ["msg", "dateline", "user_id", "type"]) expect(show[field], field).toBeTruthy();
  expect(new Date(Number.parseInt(String(show.dateline), 10) * 1000).getFullYear()).toBeGreaterThan(2020);
  return show as never;
}

async function pageSocket(url: string): Promise<GoimClient> {
  const client = await GoimClient.wsAt(url);
  clients.push(client);
  return client;
}

/** An agent as register.html and login.html make one; returns what login.html stores as `shopinfo`. */
async function agentPages(nickname = `shop${Math.random().toString(36).slice(2, 10)}`): Promise<GoimUser> {
  const password = "correct horse battery";
  const registered = await jqueryPost(new URL("/auth/register", server.url).href, { type: "kefu", nickname, password });
  expect(registered).toMatchObject({ success: true, msg: expect.any(String) }); // the page shows data.msg
  const login = await jqueryPost<GoimUser>(new URL("/auth/login", server.url).href, { type: "kefu", nickname, password });
  expect(login.success).toBe(true);
  return login.result;
}

/** im.html?shop_id=…: goim.js's _.config.init, then createConnect, as far as its first sync. */
async function visitorPage(shopId: string) {
  const options = succeeded(await jqueryPost<GoimUser>(new URL("/open/adduser", server.url).href, { shop_id: shopId }, { token: "undefined" }));
  expect(options.suburl).toMatch(/^ws:\/\/[^/]+\/ws$/); // new WebSocket(options.suburl) as it is
  expect(options.pushurl).toMatch(/^http:\/\/[^/?]+\/open\/push$/); // the page appends "?room_id=…"
  const ws = await pageSocket(options.suburl);
  ws.sendRaw(pageFrame(7, JSON.stringify(options))); // onopen: auth(ws)
  expect(await ws.nextOp(8)).toMatchObject({ body: "ok", seq: 1, headerLength: 16 });
  ws.sendRaw(pageFrame(14, options.room_id)); // case 8: sub, then heartbeat
  ws.sendRaw(pageFrame(2));
  await ws.nextOp(15);
  ws.sendRaw(pageFrame(18)); // case 15: sync on the first connection
  await ws.nextOp(3); // frames are answered in order: the heartbeat's reply comes before the sync's
  const synced = JSON.parse((await ws.nextOp(19)).body) as unknown; // syncMsgReceived: JSON.parse, then render
  return { options, ws, synced };
}

/** goim.js's _.comet.send: the push URL with the user in its query (encodeURI), the fields again as the form body. */
function visitorSend(options: GoimUser, msg: string, type = "text") {
  const data = { type, msg, room_id: options.room_id, user_id: options.user_id, nickname: options.nickname, face: options.face, shop_id: options.shop_id, shop_name: options.shop_name };
  const url = encodeURI(`${options.pushurl}?room_id=${options.room_id}&user_id=${options.user_id}&nickname=${options.nickname}&face=${options.face}&shop_id=${options.shop_id}&shop_name=${options.shop_name}`);
  return jqueryPost(url, data, { token: options.token });
}

/** chat-main.js's created(): the shop object from login, connected to the hard-coded ws://host/ws. */
async function agentConsole(shop: GoimUser) {
  const ws = await pageSocket(`${server.url.replace(/^http/, "ws")}/ws`);
  ws.sendRaw(pageFrame(7, JSON.stringify(shop)));
  expect(await ws.nextOp(8)).toMatchObject({ body: "ok", seq: 1 });
  ws.sendRaw(pageFrame(2)); // case 8: heartbeat
  await ws.nextOp(3);
  const ajax = <T>(path: string, params: Record<string, string>) => jqueryPost<T>(new URL(path, server.url).href, params, { token: shop.token });
  return { ws, ajax };
}

type UserList = { total: number; limit: number; page: number; list: (Record<string, unknown> & { user_id: string; room_id: string; last_message: string[] })[] };

describe("golang-im's visitor page (goim.js) and agent console (chat-main.js), unchanged", () => {
  it("chat both ways: adduser, auth, sub, sync, push, op 5, ack, and the agent's lists", async () => {
    const shop = await agentPages();
    expect(shop.user_id).toBe(shop.shop_id); // chat-main.js: msg.user_id == shop.shop_id marks the agent's own messages
    const visitor = await visitorPage(shop.nickname);
    expect(Array.isArray(visitor.synced)).toBe(true); // render.show finds no msg on an array and shows nothing, as with golang-im's stub
    const { options, ws: visitorWs } = visitor;
    expect(options).toMatchObject({ shop_id: shop.shop_id, shop_name: shop.nickname, device_id: options.user_id, platform: "web", referer: `${PAGE_ORIGIN}/im.html` });

    // The visitor types two lines with quotes and markup; the page joins them with \r\n.
    const typed = ['he said "hi"', "<b>&</b>"].join("\r\n");
    succeeded(await visitorSend(options, typed));
    const own = rendered(await visitorWs.nextOp(5));
    expect(own).toMatchObject({ msg: typed, type: "text", user_id: options.user_id, room_id: options.room_id }); // user_id == options.user_id: "mine"
    visitorWs.sendRaw(pageFrame(20, own.id)); // messageReceived acks show.id
    expect(await visitorWs.nextOp(21)).toMatchObject({ seq: 1, body: "" });

    // The agent console lists online visitors every 12 s and shows JSON.parse(last_message[0]).msg.
    const agent = await agentConsole(shop);
    const online = succeeded(await agent.ajax<UserList>("/open/finduserlist", { shop_id: shop.shop_id, typ: "online" }));
    const user = online.list.find((entry) => entry.user_id === options.user_id)!;
    expect(user).toMatchObject({ room_id: options.room_id, is_online: true });
    expect((JSON.parse(user.last_message[0]!) as { msg: string }).msg).toBe(typed);

    // talkTo(user): sub with op 12, and at once an op 4 greeting with a made-up id, pipelined.
    const greeting = { user_id: shop.shop_id, shop_id: user.user_id, type: "text", msg: "+++++++正在接入,处理中...++", room_id: user.room_id, is_shop: true, dateline: 1645776553, id: "1645776553444263000" };
    agent.ws.sendRaw(pageFrame(12, user.room_id));
    agent.ws.sendRaw(pageFrame(4, JSON.stringify(greeting)));
    expect(await agent.ws.nextOp(13)).toMatchObject({ body: "subscribed room ok" });
    agent.ws.sendRaw(pageFrame(18)); // case 13: sync
    expect(rendered(await agent.ws.nextOp(5))).toEqual(greeting); // the relay (sent before the sync) comes back first
    expect(Array.isArray(JSON.parse((await agent.ws.nextOp(19)).body))).toBe(true);
    for (const ws of [visitorWs, agent.ws]) {
      const heard = ws === visitorWs ? rendered(await ws.nextOp(5)) : greeting;
      expect(heard).toEqual(greeting); // relayed as sent
      ws.sendRaw(pageFrame(20, heard.id)); // both pages ack the greeting's id: no such message, answered 21 all the same
      expect((await ws.nextOp(21)).seq).toBe(1);
    }
    const typing = { typing: true }; // an op 4 payload without an id: the page acks it with an empty body
    agent.ws.sendRaw(pageFrame(4, JSON.stringify(typing)));
    for (const ws of [visitorWs, agent.ws]) expect(JSON.parse((await ws.nextOp(5)).body)).toEqual(typing);
    visitorWs.sendRaw(pageFrame(20));
    await visitorWs.nextOp(21);

    // sendMsg(): user_id is the shop, shop_id the visitor (swapped, as the page does).
    succeeded(await agent.ajax("/open/push", { user_id: shop.shop_id, shop_id: user.user_id, room_id: user.room_id, type: "text", msg: "hello, how can I help?" }));
    for (const ws of [visitorWs, agent.ws]) {
      const reply = rendered(await ws.nextOp(5));
      expect(reply).toMatchObject({ msg: "hello, how can I help?", user_id: shop.shop_id }); // not options.user_id: the visitor page shows it as the shop's
    }
    succeeded(await visitorSend(options, "thanks"));
    const fromVisitor = rendered(await agent.ws.nextOp(5));
    expect(fromVisitor.user_id).toBe(options.user_id); // != shop.shop_id: the console shows it as the visitor's
    expect(fromVisitor.user_id == shop.shop_id).toBe(false);

    // getOfflineUser(page): the page number in the query, and page/total/limit read back.
    const offline = succeeded(await agent.ajax<UserList>("/open/finduserlist?page=1", { shop_id: shop.shop_id, typ: "offline" }));
    expect(offline).toMatchObject({ page: 1, total: 1, limit: 15 });
    expect(offline.list.map((entry) => entry.user_id)).toEqual([options.user_id]);
    expect(offline.list[0]!.last_message.map((json) => (JSON.parse(json) as { msg: string }).msg)).toEqual(["thanks"]);
  });

  it("uploads a picture as ajaxFileUpload does, and sends it as an image", async () => {
    const shop = await agentPages();
    const { options, ws } = await visitorPage(shop.shop_id);
    // $.ajaxFileUpload({url: '…/upload/file?token=' + token, fileElementId}): a multipart form whose file input is named Filedata.
    const body = new FormData();
    body.append("Filedata", new Blob([await images.png()], { type: "image/png" }), "photo.png");
    const response = await fetch(new URL(`/upload/file?token=${options.token}`, server.url), { method: "POST", body });
    const data = (await response.json()) as Reply & { filename: string };
    expect(data.success).toBe(true); // if (data['success']) self.success(data)
    expect(data.filename).toMatch(/^http:\/\/[^/]+\/api\/uploads\/[0-9a-f-]{36}$/); // _.comet.send(data['filename'])
    succeeded(await visitorSend(options, data.filename, "image"));
    expect(rendered(await ws.nextOp(5))).toMatchObject({ type: "image", msg: data.filename }); // <img src="msg">
  });

  it("keeps the console's IP blacklist: listIpblack's list holds the addresses", async () => {
    const shop = await agentPages();
    const agent = await agentConsole(shop);
    succeeded(await agent.ajax("/open/addIpblack", { shop_id: shop.shop_id, ip: "203.0.113.9" }));
    const listed = succeeded(await agent.ajax<{ list: string[] }>("/open/listIpblack", { shop_id: shop.shop_id }));
    expect(listed.list.map((remote_addr, id) => ({ id, remote_addr }))).toEqual([{ id: 0, remote_addr: "203.0.113.9" }]); // ipBlacks.push({id:i, remote_addr:result[i]})
    succeeded(await agent.ajax("/open/delIpblack", { shop_id: shop.shop_id, ip: "203.0.113.9" }));
    expect(succeeded(await agent.ajax<{ list: string[] }>("/open/listIpblack", { shop_id: shop.shop_id })).list).toEqual([]);
  });

  it("shows a failure the way the pages do: success false and a msg", async () => {
    const reply = await jqueryPost(new URL("/auth/login", server.url).href, { type: "kefu", nickname: "nobody-here", password: "whatever1" });
    expect(reply).toMatchObject({ success: false, code: -1, msg: expect.any(String) });
    expect(reply.msg).not.toBe("");
  });

  it("answers the preflight a cross-origin page makes for its token header", async () => {
    const response = await fetch(new URL("/open/finduserlist", server.url), {
      method: "OPTIONS",
      headers: { origin: PAGE_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "token" },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")?.split(/,\s*/)).toContain("token");
  });
});

/** golang-im's pkg/protocol Proto.Encode, which client/main.go writes with: the version is always 2. */
function goEncode(op: number, seq: number, body = ""): Buffer {
  const payload = Buffer.from(body, "utf8");
  const frame = Buffer.alloc(16 + payload.length);
  frame.writeInt32BE(16 + payload.length, 0);
  frame.writeInt16BE(16, 4);
  frame.writeInt16BE(2, 6);
  frame.writeInt32BE(op, 8);
  frame.writeInt32BE(seq, 12);
  payload.copy(frame, 16);
  return frame;
}

/** client/main.go's tcpReadProto: packLen, headerLen, ver, op, seq with binary.Read, then packLen - headerLen body bytes. */
class GoReader {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  constructor(socket: import("node:net").Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake?.();
    });
  }

  async read(): Promise<{ ver: number; op: number; seq: number; body: string }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (this.buffer.length >= 16) {
        const packLen = this.buffer.readInt32BE(0);
        const headerLen = this.buffer.readInt16BE(4);
        if (this.buffer.length >= packLen) {
          const frame = { ver: this.buffer.readInt16BE(6), op: this.buffer.readInt32BE(8), seq: this.buffer.readInt32BE(12), body: this.buffer.subarray(headerLen, packLen).toString("utf8") };
          this.buffer = this.buffer.subarray(packLen);
          return frame;
        }
      }
      if (Date.now() > deadline) throw new Error("no frame from the server");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now())); // woken by the next data, or at the deadline
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

describe("golang-im's TCP test client (client/main.go), unchanged", () => {
  it("authenticates with its AuthToken and beats", async () => {
    // The client's shop is hard-coded: "1646188353". Its operator registers an agent of that name.
    await agentPages("1646188353");
    await server.app.goim.ready;
    const socket = tcpConnect(server.app.goim.tcpAddress()!.port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    const reader = new GoReader(socket);
    try {
      // json.Marshal(&AuthToken{key, "xxx", face, "1646188353", "1646188353", "yyyyyshop", shopFace, "web"}) for key 1.
      const authToken =
        '{"user_id":1,"nickname":"xxx","face":"https://img.wxcha.com/m00/86/59/7c6242363084072b82b6957cacc335c7.jpg","room_id":"1646188353","shop_id":"1646188353","shop_name":"yyyyyshop","shop_face":"http://img.touxiangwu.com/2020/3/uq6Bja.jpg","platform":"web"}';
      socket.write(goEncode(7, 222, authToken)); // proto.Ver = 1 is not written: Encode writes 2
      expect(await reader.read()).toEqual({ ver: 2, op: 8, seq: 222, body: "ok" }); // "auth ok"
      socket.write(goEncode(2, 111)); // the writer goroutine's heartbeat
      expect(await reader.read()).toEqual({ ver: 2, op: 3, seq: 111, body: "" }); // "receive heartbeat"
      // The earlier client/main.go beat with the auth proto reused: op 2, seq 0, the AuthToken still as its body.
      socket.write(goEncode(2, 0, authToken));
      expect(await reader.read()).toMatchObject({ op: 3, seq: 0 });
    } finally {
      socket.destroy();
    }
  });
});
