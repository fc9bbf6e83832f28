import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { addIpBlock, isBlocked, listIpBlocks, normalizeIp, removeIpBlock } from "../../src/core/blocks/blocks.ts";
import type { AckResult, MessageView, SyncPage, TypingChange, VisitorProfile } from "../../src/server/socket/contract.ts";
import { images, upload } from "./uploads-support.ts";
import { ACK_TIMEOUT_MS, connect, connectAgent, connectVisitor, emitAny, identifyVisitor, openChat, seedAgent, send, unwrap, untyped, useServer, waitFor, type ServerUnderTest, type TestSocket, type TrackSockets } from "./support.ts";

const { server, track } = useServer();
const proxied = useServer({ TRUST_PROXY: true });

type VisitorAck = AckResult<{ visitor: VisitorProfile }>;
const block = (socket: TestSocket, deviceId: string, by: ("device" | "ip")[]): Promise<VisitorAck> => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("visitor:block", { deviceId, by });
const unblock = (socket: TestSocket, deviceId: string): Promise<VisitorAck> => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("visitor:unblock", { deviceId });
const BLOCKED = { ok: false, error: { code: "BLOCKED", message: "this chat is not available to you" } };

async function syncAll(socket: TestSocket, conversationId: string): Promise<MessageView[]> {
  const page: AckResult<SyncPage> = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message:sync", { conversationId, afterSeq: 0 });
  return unwrap(page).messages;
}

/** A second visitor of the same agent (from the same address: every test client is 127.0.0.1), connected. */
async function anotherVisitor(on: ServerUnderTest, agentDeviceId: string, trackSockets: TrackSockets) {
  const visitor = await identifyVisitor(on.url, agentDeviceId);
  const tab = await connectVisitor(on.url, visitor.token);
  trackSockets(tab);
  return { visitor, tab };
}

describe("visitor:block by device", () => {
  it("refuses the visitor's new messages and uploads with BLOCKED, keeps what it sent before, and unblocking lets it write again at once", async () => {
    const c = await openChat(server, track);
    const deviceId = c.visitor.visitor.deviceId;
    const beforeId = randomUUID();
    const before = unwrap(await send(c.visitorTab, c.conversationId, "hello before the block", beforeId)).message;
    const otherAgentTab = await connectAgent(server.url, c.agent.cookie);
    track(otherAgentTab);

    const [blocked, heardElsewhere] = await Promise.all([block(c.agentTab, deviceId, ["device"]), waitFor<VisitorProfile>(otherAgentTab, "visitor:updated")]);
    expect(unwrap(blocked).visitor.blocked).toEqual({ device: true, ip: false });
    expect(heardElsewhere.blocked).toEqual({ device: true, ip: false });

    expect(await send(c.visitorTab, c.conversationId, "let me in")).toEqual(BLOCKED);
    // A retry of a message stored before the block (its ack lost) is answered with that message, not refused.
    expect(unwrap(await send(c.visitorTab, c.conversationId, "hello before the block", beforeId)).message.id).toBe(before.id);
    const refusedUpload = await upload(server.url, { token: c.visitor.token }, c.conversationId, { bytes: await images.png(), name: "a.png" });
    expect(refusedUpload.status).toBe(403);
    expect(refusedUpload.reply).toEqual(BLOCKED);
    // The agent may still write to the visitor, and everything stored before the block stays, on both sides.
    unwrap(await send(c.agentTab, c.conversationId, "we are done here"));
    expect((await syncAll(c.agentTab, c.conversationId)).map((m) => m.body)).toEqual(["hello before the block", "we are done here"]);
    expect((await syncAll(c.visitorTab, c.conversationId)).map((m) => m.id)).toContain(before.id);

    // Blocking again changes nothing; unblocking restores sending with the next message.
    expect(unwrap(await block(c.agentTab, deviceId, ["device"])).visitor.blocked.device).toBe(true);
    expect(unwrap(await unblock(c.agentTab, deviceId)).visitor.blocked).toEqual({ device: false, ip: false });
    const [again, heard] = await Promise.all([send(c.visitorTab, c.conversationId, "thanks"), waitFor<MessageView>(c.agentTab, "message:sent")]);
    expect(heard.id).toBe(unwrap(again).message.id);
    expect((await upload(server.url, { token: c.visitor.token }, c.conversationId, { bytes: await images.png(), name: "a.png" })).status).toBe(200);
  });

  it("drops a blocked visitor's typing without telling the agent (the ack is ok)", async () => {
    const c = await openChat(server, track);
    unwrap(await block(c.agentTab, c.visitor.visitor.deviceId, ["device"]));
    const heard: TypingChange[] = [];
    untyped(c.agentTab).on("typing:changed", (change: TypingChange) => void heard.push(change));
    expect(await c.visitorTab.timeout(ACK_TIMEOUT_MS).emitWithAck("typing:set", { conversationId: c.conversationId, isTyping: true })).toEqual({
      ok: true,
      data: { conversationId: c.conversationId, isTyping: true },
    });
    await unblock(c.agentTab, c.visitor.visitor.deviceId); // a round trip on the agent's socket: a broadcast would have landed
    expect(heard).toEqual([]);
  });

  it("blocks only the one device, only for the agent who blocked it", async () => {
    const c = await openChat(server, track);
    unwrap(await block(c.agentTab, c.visitor.visitor.deviceId, ["device"]));
    const neighbour = await anotherVisitor(server, c.agent.deviceId, track);
    unwrap(await send(neighbour.tab, neighbour.visitor.conversationId, "I am someone else"));
    // The same browser on another agent's widget is that agent's business.
    const other = await seedAgent(server.db, "Grace");
    const elsewhere = await identifyVisitor(server.url, other.deviceId, c.visitor.token);
    expect(elsewhere.visitor.deviceId).toBe(c.visitor.visitor.deviceId);
    const elsewhereTab = await connectVisitor(server.url, elsewhere.token);
    track(elsewhereTab);
    unwrap(await send(elsewhereTab, elsewhere.conversationId, "hello other shop"));
  });
});

describe("visitor:block by IP", () => {
  it("blocks every visitor from the address, until unblocked from any of them", async () => {
    const c = await openChat(server, track);
    const neighbour = await anotherVisitor(server, c.agent.deviceId, track);
    const blocked = unwrap(await block(c.agentTab, c.visitor.visitor.deviceId, ["ip"])).visitor;
    expect(blocked.blocked).toEqual({ device: false, ip: true });
    expect(await send(c.visitorTab, c.conversationId, "hi")).toEqual(BLOCKED);
    expect(await send(neighbour.tab, neighbour.visitor.conversationId, "hi")).toEqual(BLOCKED);
    const neighbourProfile: VisitorAck = await c.agentTab.timeout(ACK_TIMEOUT_MS).emitWithAck("visitor:get", { deviceId: neighbour.visitor.visitor.deviceId });
    expect(unwrap(neighbourProfile).visitor.blocked).toEqual({ device: false, ip: true });
    expect((await listIpBlocks(server.db, c.agent.id)).map((b) => b.ip)).toEqual([normalizeIp(blocked.ip!)]);

    // Lifting from the neighbour lifts the address, which was all that blocked the first visitor.
    expect(unwrap(await unblock(c.agentTab, neighbour.visitor.visitor.deviceId)).visitor.blocked).toEqual({ device: false, ip: false });
    unwrap(await send(c.visitorTab, c.conversationId, "hi again"));
    unwrap(await send(neighbour.tab, neighbour.visitor.conversationId, "me too"));
  });

  it("blocks by device and IP at once, and one unblock lifts both", async () => {
    const c = await openChat(server, track);
    expect(unwrap(await block(c.agentTab, c.visitor.visitor.deviceId, ["device", "ip"])).visitor.blocked).toEqual({ device: true, ip: true });
    expect(await send(c.visitorTab, c.conversationId, "hi")).toEqual(BLOCKED);
    expect(unwrap(await unblock(c.agentTab, c.visitor.visitor.deviceId)).visitor.blocked).toEqual({ device: false, ip: false });
    unwrap(await send(c.visitorTab, c.conversationId, "hi"));
    expect(await listIpBlocks(server.db, c.agent.id)).toEqual([]);
  });

  it("matches the address a request comes from behind a trusted proxy, and the address the visitor was last seen from", async () => {
    const on = proxied.server;
    const agent = await seedAgent(on.db);
    const visitor = await identifyVisitor(on.url, agent.deviceId);
    await addIpBlock(on.db, agent.id, "::ffff:203.0.113.7"); // stored as 203.0.113.7: one spelling per address
    expect(await listIpBlocks(on.db, agent.id)).toMatchObject([{ ip: "203.0.113.7", deviceId: null }]);

    const viaProxy = (address: string) => connect(on.url, { auth: { token: visitor.token }, extraHeaders: { "x-forwarded-for": `${address}, 10.0.0.2` } });
    const fromBlocked = await viaProxy("203.0.113.7");
    proxied.track(fromBlocked);
    expect(await send(fromBlocked, visitor.conversationId, "hi")).toEqual(BLOCKED);
    // The device was last seen from the blocked address: a request from elsewhere (here, no proxy header) is refused too.
    expect((await on.db.device.findUniqueOrThrow({ where: { id: visitor.visitor.deviceId } })).ip).toBe("203.0.113.7");
    expect((await upload(on.url, { token: visitor.token }, visitor.conversationId, { bytes: await images.png(), name: "a.png" })).reply).toEqual(BLOCKED);
    fromBlocked.close();

    // Seen from a new address, the visitor is no longer that address's.
    const moved = await viaProxy("198.51.100.1");
    proxied.track(moved);
    unwrap(await send(moved, visitor.conversationId, "hello from elsewhere"));
    expect(await isBlocked(on.db, { agentId: agent.id, ip: "203.0.113.7" })).toBe(true);
    await removeIpBlock(on.db, agent.id, "203.0.113.7");
    expect(await isBlocked(on.db, { agentId: agent.id, ip: "::ffff:203.0.113.7" })).toBe(false);
    expect(await listIpBlocks(on.db, agent.id)).toEqual([]);
  });
});

describe("who may block", () => {
  it("is the visitor's own agent: a visitor gets FORBIDDEN, another agent NOT_FOUND, a bad request BAD_INPUT", async () => {
    const c = await openChat(server, track);
    const deviceId = c.visitor.visitor.deviceId;
    expect(await block(c.visitorTab, deviceId, ["device"])).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await unblock(c.visitorTab, deviceId)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    const other = await seedAgent(server.db, "Grace");
    const otherTab = await connectAgent(server.url, other.cookie);
    track(otherTab);
    expect(await block(otherTab, deviceId, ["device", "ip"])).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "visitor not found" } });
    expect(await unblock(otherTab, deviceId)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await emitAny(c.agentTab, "visitor:block", { deviceId, by: [] })).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    expect(await emitAny(c.agentTab, "visitor:block", { deviceId, by: ["cookie"] })).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    // Nothing was blocked by any of it.
    unwrap(await send(c.visitorTab, c.conversationId, `still here ${randomUUID()}`));
  });
});
