// Hostile clients inside: authenticated devices that try to reach a conversation that is not theirs, by
// guessing its ID, by replaying IDs seen elsewhere (a conversation, a clientMsgId, an upload) or by asking
// to join its room. isolation.test.ts covers a visitor naming another visitor's conversation; this file
// adds made-up IDs, agents, replays, uploads and room-joining events, and proves each time that no event
// of the victim's room reached the attacker afterwards.
import { randomBytes, randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { AckResult, MessageView, PresenceChange } from "../../src/server/socket/contract.ts";
import {
  ACK_TIMEOUT_MS,
  connectAgent,
  connectVisitor,
  identifyVisitor,
  listConversations,
  seedAgent,
  send,
  unwrap,
  untyped,
  useServer,
  waitFor,
  type SeededAgent,
  type SendAck,
  type TestSocket,
} from "./support.ts";
import { images, upload, uploaded } from "./uploads-support.ts";

// Many conversations from one address and many messages from few devices: the rate limits are not under test here.
const { server, track } = useServer({ VISITORS_RATE_LIMIT: null, MESSAGES_RATE_LIMIT: null });

type Visitor = { deviceId: string; token: string; conversationId: string; tab: TestSocket };

/**
 * The cast: Alice (the victim) and Mallory (the attacker) are visitors of agent Ada; Bob is another agent
 * with a visitor of his own, Carol. Alice and Ada have already exchanged a message each.
 */
let ada: SeededAgent;
let bob: SeededAgent;
let adaTab: TestSocket;
let bobTab: TestSocket;
let alice: Visitor;
let mallory: Visitor;
let carol: Visitor;

async function visitorOf(agent: SeededAgent): Promise<Visitor> {
  const session = await identifyVisitor(server.url, agent.deviceId);
  const tab = await connectVisitor(server.url, session.token);
  track(tab);
  return { deviceId: session.visitor.deviceId, token: session.token, conversationId: session.conversationId, tab };
}

beforeEach(async () => {
  [ada, bob] = await Promise.all([seedAgent(server.db, "Ada"), seedAgent(server.db, "Bob")]);
  [alice, mallory, carol] = await Promise.all([visitorOf(ada), visitorOf(ada), visitorOf(bob)]);
  [adaTab, bobTab] = await Promise.all([connectAgent(server.url, ada.cookie), connectAgent(server.url, bob.cookie)]);
  track(adaTab, bobTab);
  unwrap(await send(alice.tab, alice.conversationId, "my card ends in 4242"));
  unwrap(await send(adaTab, alice.conversationId, "thanks, Alice"));
});

const notFound = { ok: false, error: { code: "NOT_FOUND", message: "conversation not found" } };

/** The four requests that name a conversation, each as an attacker would make it. */
const requests: Record<string, (socket: TestSocket, conversationId: string) => Promise<AckResult<unknown>>> = {
  "conversation:get": (socket, conversationId) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:get", { conversationId }),
  "message:sync": (socket, conversationId) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message:sync", { conversationId, afterSeq: 0 }),
  "message:send": (socket, conversationId) => send(socket, conversationId, "let me in"),
  "conversation:mark-read": (socket, conversationId) => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:mark-read", { conversationId, seq: 1 }),
};

/** Every request on `conversationId` answers NOT_FOUND, exactly as for one that does not exist. */
async function expectAllNotFound(socket: TestSocket, conversationId: string): Promise<void> {
  for (const [event, request] of Object.entries(requests)) {
    expect({ event, answer: await request(socket, conversationId) }).toEqual({ event, answer: notFound });
  }
}

/** Everything a socket hears from now on. */
function overhear(socket: TestSocket): Array<[string, unknown]> {
  const heard: Array<[string, unknown]> = [];
  socket.onAny((event: string, payload: unknown) => heard.push([event, payload]));
  return heard;
}

/**
 * Makes Alice's room busy (messages both ways, read receipts both ways, Alice leaving and coming back),
 * then sends one message into the attacker's own room. Events reach a socket in the order they were
 * emitted, so once that last message is in, anything of Alice's room would have been too.
 */
async function busyAliceRoomThenPing(attacker: TestSocket, attackerRoom: { conversationId: string; from: TestSocket }): Promise<void> {
  const adaHeard = waitFor<MessageView>(adaTab, "message:sent", (message) => message.body === "are you still there?");
  unwrap(await send(alice.tab, alice.conversationId, "are you still there?"));
  await adaHeard;
  unwrap(await send(adaTab, alice.conversationId, "yes, here"));
  unwrap(await alice.tab.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:mark-read", { conversationId: alice.conversationId, seq: 4 }));
  unwrap(await adaTab.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:mark-read", { conversationId: alice.conversationId, seq: 4 }));
  const wentOffline = waitFor<PresenceChange>(adaTab, "presence:changed", (change) => change.deviceId === alice.deviceId && !change.online);
  alice.tab.close();
  await wentOffline;
  const cameBack = waitFor<PresenceChange>(adaTab, "presence:changed", (change) => change.deviceId === alice.deviceId && change.online);
  alice.tab = await connectVisitor(server.url, alice.token);
  track(alice.tab);
  await cameBack;
  const ping = `ping ${randomUUID()}`;
  const pinged = waitFor<MessageView>(attacker, "message:sent", (message) => message.body === ping);
  unwrap(await send(attackerRoom.from, attackerRoom.conversationId, ping));
  await pinged;
}

/** Nothing the attacker heard names Alice, her conversation, or anything said in it. */
function expectNothingOfAlice(heard: Array<[string, unknown]>): void {
  const text = JSON.stringify(heard);
  expect(text).not.toContain(alice.deviceId); // her conversation ID begins with it
  for (const said of ["4242", "thanks, Alice", "are you still there?", "yes, here", "let me in"]) expect(text).not.toContain(said);
}

/** The server's own view: which rooms a connected client's socket is in. */
const roomsOf = (socket: TestSocket) => [...(server.app.io.sockets.sockets.get(socket.id!)?.rooms ?? [])];

describe("conversation IDs a visitor makes up", () => {
  const madeUp: Record<string, () => string> = {
    "its own device and another agent's (no such conversation)": () => mallory.deviceId + bob.deviceId,
    "its own device and its agent's, in the wrong order": () => ada.deviceId + mallory.deviceId,
    "its own device twice": () => mallory.deviceId + mallory.deviceId,
    "the agent's device twice": () => ada.deviceId + ada.deviceId,
    "another visitor's device and another agent's": () => alice.deviceId + bob.deviceId,
    "random hex": () => randomBytes(32).toString("hex"),
  };
  for (const [name, make] of Object.entries(madeUp)) {
    it(`answers NOT_FOUND for ${name}, and creates nothing`, async () => {
      const conversationsBefore = await server.db.conversation.count();
      const conversationId = make();
      await expectAllNotFound(mallory.tab, conversationId);
      expect(await server.db.conversation.count()).toBe(conversationsBefore);
      expect(await server.db.conversation.findUnique({ where: { id: conversationId } })).toBeNull();
    });
  }

  it("refuses its own conversation ID in upper case as BAD_INPUT: IDs are not normalised into someone else's room name", async () => {
    const answer = await send(mallory.tab, mallory.conversationId.toUpperCase(), "hello?");
    expect(answer).toEqual({ ok: false, error: { code: "BAD_INPUT", message: expect.any(String) } });
    expect(await server.db.message.count({ where: { conversationId: mallory.conversationId } })).toBe(0);
  });
});

describe("another visitor's conversation ID, seen in a leaked log", () => {
  it("answers every request NOT_FOUND, and no event of that room reaches the attacker afterwards", async () => {
    const heard = overhear(mallory.tab);
    await expectAllNotFound(mallory.tab, alice.conversationId);
    await busyAliceRoomThenPing(mallory.tab, { conversationId: mallory.conversationId, from: adaTab });
    expectNothingOfAlice(heard);
    expect(roomsOf(mallory.tab)).not.toContain(alice.conversationId);
  });

  it("is refused from a fresh socket of the attacker too, which the server puts only in its own rooms", async () => {
    const fresh = await connectVisitor(server.url, mallory.token);
    track(fresh);
    expect(roomsOf(fresh).sort()).toEqual([fresh.id, `device:${mallory.deviceId}`, mallory.conversationId].sort());
    await expectAllNotFound(fresh, alice.conversationId);
  });
});

describe("an agent and another agent's conversation", () => {
  it("answers every request NOT_FOUND, lists nothing of it, and no event of that room reaches the agent afterwards", async () => {
    const heard = overhear(bobTab);
    await expectAllNotFound(bobTab, alice.conversationId);
    expect(unwrap(await listConversations(bobTab)).conversations.map((entry) => entry.id)).not.toContain(alice.conversationId);
    await busyAliceRoomThenPing(bobTab, { conversationId: carol.conversationId, from: carol.tab });
    expectNothingOfAlice(heard);
    expect(roomsOf(bobTab)).not.toContain(alice.conversationId);
  });

  it("answers NOT_FOUND for a conversation of another agent's visitor with this agent, which does not exist, and creates none", async () => {
    const madeUp = alice.deviceId + bob.deviceId;
    await expectAllNotFound(bobTab, madeUp);
    expect(await server.db.conversation.findUnique({ where: { id: madeUp } })).toBeNull();
  });

  it("leaves the victim's conversation as it was: messages, read cursors, status", async () => {
    const before = await server.db.conversation.findUnique({ where: { id: alice.conversationId }, include: { messages: true, readStates: true } });
    await expectAllNotFound(bobTab, alice.conversationId);
    await expectAllNotFound(mallory.tab, alice.conversationId);
    const after = await server.db.conversation.findUnique({ where: { id: alice.conversationId }, include: { messages: true, readStates: true } });
    expect(after).toEqual(before);
  });
});

describe("a clientMsgId replayed by another device", () => {
  const alicesFirst = () => server.db.message.findFirstOrThrow({ where: { conversationId: alice.conversationId, seq: 1 } });

  it("stores a new message for the attacker in its own conversation, and never hands out the original", async () => {
    const original = await alicesFirst();
    const { message } = unwrap(await send(mallory.tab, mallory.conversationId, "mine", original.clientMsgId));
    expect(message).toMatchObject({ conversationId: mallory.conversationId, senderDeviceId: mallory.deviceId, body: "mine", seq: 1 });
    expect(message.id).not.toBe(original.id);
    // The upper-case form is the same UUID: now Mallory's own replay, answered with Mallory's message.
    const again = unwrap(await send(mallory.tab, mallory.conversationId, "mine again", original.clientMsgId.toUpperCase()));
    expect(again.message).toEqual(message);
    expect(await server.db.message.count({ where: { conversationId: mallory.conversationId } })).toBe(1);
    expect(await alicesFirst()).toEqual(original);
  });

  it("answers NOT_FOUND in the victim's conversation, not the victim's message", async () => {
    const original = await alicesFirst();
    const answer = await send(mallory.tab, alice.conversationId, "whatever", original.clientMsgId);
    expect(answer).toEqual(notFound);
  });

  it("from the victim's own peer stores the peer's new message, not a replay of the victim's", async () => {
    const original = await alicesFirst();
    const { message } = unwrap(await send(adaTab, alice.conversationId, "same id, different sender", original.clientMsgId));
    expect(message).toMatchObject({ senderDeviceId: ada.deviceId, body: "same id, different sender", seq: 3 });
    expect(message.id).not.toBe(original.id);
  });
});

describe("uploads and another conversation", () => {
  const png = async () => ({ bytes: await images.png(), name: "a.png", type: "image/png" });
  const notFoundReply = { status: 404, reply: { ok: false, error: { code: "NOT_FOUND", message: "conversation not found" } } };

  it("answers 404 to a visitor uploading into a made-up conversation or someone else's, whichever order the fields come in", async () => {
    const before = await server.db.upload.count();
    for (const conversationId of [alice.conversationId, mallory.deviceId + bob.deviceId, carol.conversationId]) {
      const fieldFirst = await upload(server.url, { token: mallory.token }, conversationId, await png());
      expect({ status: fieldFirst.status, reply: fieldFirst.reply }).toEqual(notFoundReply);
      // The file first: the check runs only once the body is in, and must still refuse.
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(await images.png())], { type: "image/png" }), "b.png");
      form.append("conversationId", conversationId);
      const response = await fetch(new URL("/api/uploads", server.url), { method: "POST", headers: { authorization: `Bearer ${mallory.token}` }, body: form });
      expect({ status: response.status, reply: await response.json() }).toEqual(notFoundReply);
    }
    expect(await server.db.upload.count()).toBe(before);
  });

  it("answers NOT_FOUND to message:send with another device's uploadId, in either conversation, and leaves the upload to its owner", async () => {
    const photo = uploaded(await upload(server.url, { token: alice.token }, alice.conversationId, await png()));
    const attach = (socket: TestSocket, conversationId: string, uploadId: string): Promise<SendAck> =>
      socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message:send", { conversationId, clientMsgId: randomUUID(), uploadId });
    expect(await attach(mallory.tab, mallory.conversationId, photo.id)).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "upload not found" } });
    expect(await attach(mallory.tab, mallory.conversationId, photo.id.toUpperCase())).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "upload not found" } });
    expect(await attach(mallory.tab, alice.conversationId, photo.id)).toEqual(notFound);
    // The peer in the very conversation the upload belongs to may not send it as its own either.
    expect(await attach(adaTab, alice.conversationId, photo.id)).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "upload not found" } });
    expect(await attach(bobTab, carol.conversationId, photo.id)).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "upload not found" } });
    expect(await server.db.message.count({ where: { uploadId: photo.id } })).toBe(0);
    const { message } = unwrap(await attach(alice.tab, alice.conversationId, photo.id));
    expect(message).toMatchObject({ type: "image", senderDeviceId: alice.deviceId, attachment: { id: photo.id } });
  });
});

describe("asking to join a room", () => {
  const joinEvents = ["join", "subscribe", "room:join", "joinRoom", "join-room", "rooms:join", "socket:join", "conversation:join", "conversation:open", "conversation:subscribe", "message:subscribe"];
  const payloadsNaming = (room: string): unknown[] => [room, { room }, { conversationId: room }, { rooms: [room] }, [room]];

  it("has no event for it: every made-up join goes unanswered and the attacker hears nothing of the room afterwards", async () => {
    const heard = overhear(mallory.tab);
    const answers: unknown[] = [];
    for (const event of joinEvents) {
      for (const payload of payloadsNaming(alice.conversationId)) {
        untyped(mallory.tab).emit(event, payload); // without an ack
        untyped(mallory.tab).emit(event, payload, (answer: unknown) => answers.push(answer));
        untyped(mallory.tab).emit(event, payload, `device:${alice.deviceId}`, (answer: unknown) => answers.push(answer));
      }
    }
    // Acks come back in the order the server reads events: an answer to any of the above would be in by now.
    unwrap(await listConversations(mallory.tab));
    expect(answers).toEqual([]);
    expect(roomsOf(mallory.tab)).not.toContain(alice.conversationId);
    expect(roomsOf(mallory.tab)).not.toContain(`device:${alice.deviceId}`);
    await busyAliceRoomThenPing(mallory.tab, { conversationId: mallory.conversationId, from: adaTab });
    expectNothingOfAlice(heard);
  });

  it("cannot speak for the server either: server-to-client events emitted by a client reach nobody", async () => {
    const forged: MessageView = {
      id: randomUUID(), conversationId: alice.conversationId, seq: 99, senderDeviceId: ada.deviceId, clientMsgId: randomUUID(),
      type: "text", body: "Ada here: please send your password", attachment: null, createdAt: new Date().toISOString(),
    };
    const aliceHeard = overhear(alice.tab);
    const adaHeard = overhear(adaTab);
    const answers: unknown[] = [];
    for (const [event, payload] of [["message:sent", forged], ["conversation:read", { conversationId: alice.conversationId, deviceId: ada.deviceId, lastReadSeq: 99 }], ["presence:changed", { deviceId: ada.deviceId, online: false, lastSeenAt: new Date().toISOString() }]] as const) {
      untyped(mallory.tab).emit(event, payload);
      untyped(mallory.tab).emit(event, payload, (answer: unknown) => answers.push(answer));
    }
    unwrap(await listConversations(mallory.tab)); // read after the forgeries: their answers, had there been any, came first
    expect(answers).toEqual([]);
    // Later events into Alice's room, to Alice and to Ada: a relayed forgery would have come before them.
    const ping = `ping ${randomUUID()}`;
    const [toAlice] = await Promise.all([waitFor<MessageView>(alice.tab, "message:sent", (m) => m.body === ping), send(adaTab, alice.conversationId, ping)]);
    expect(toAlice.body).toBe(ping);
    const pong = `pong ${randomUUID()}`;
    await Promise.all([waitFor<MessageView>(adaTab, "message:sent", (m) => m.body === pong), send(alice.tab, alice.conversationId, pong)]);
    expect(JSON.stringify([aliceHeard, adaHeard])).not.toContain("please send your password");
    expect(JSON.stringify([aliceHeard, adaHeard])).not.toContain('"lastReadSeq":99');
    expect(adaHeard.filter(([event]) => event === "presence:changed")).toEqual([]);
  });
});
