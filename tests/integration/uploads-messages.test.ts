import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { MessageView, SyncPage, UploadView } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectVisitor, identifyVisitor, listConversations, openChat, seedAgent, send, unwrap, useServer, waitFor, type SendAck, type TestSocket } from "./support.ts";
import { images, pdf, upload, uploaded } from "./uploads-support.ts";

const { server, track } = useServer();

const sendUpload = (socket: TestSocket, conversationId: string, uploadId: string, body?: string, clientMsgId: string = randomUUID()): Promise<SendAck> =>
  socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message:send", { conversationId, clientMsgId, uploadId, ...(body !== undefined && { body }) });

describe("message:send with an uploadId", () => {
  it("sends an image message whose attachment reaches the ack, the peer, sync and the inbox", async () => {
    const c = await openChat(server, track);
    const photo = uploaded(await upload(server.url, { token: c.visitor.token }, c.conversationId, { bytes: await images.png(1200, 800), name: "screenshot.png" }));
    const clientMsgId = randomUUID();
    const [ack, atAgent] = await Promise.all([sendUpload(c.visitorTab, c.conversationId, photo.id, undefined, clientMsgId), waitFor<MessageView>(c.agentTab, "message:sent")]);
    const { message } = unwrap(ack);
    expect(message).toEqual({
      id: expect.any(String),
      conversationId: c.conversationId,
      seq: 1,
      senderDeviceId: c.visitor.visitor.deviceId,
      clientMsgId,
      type: "image",
      body: "",
      attachment: photo,
      createdAt: expect.any(String),
    });
    expect(photo).toMatchObject({ kind: "image", width: 1200, height: 800, thumbnailUrl: `/api/uploads/${photo.id}/thumbnail` });
    expect(atAgent).toEqual(message);
    const page: SyncPage = unwrap(await c.agentTab.timeout(ACK_TIMEOUT_MS).emitWithAck("message:sync", { conversationId: c.conversationId, afterSeq: 0 }));
    expect(page.messages).toEqual([message]);
    const inbox = unwrap(await listConversations(c.agentTab)).conversations;
    expect(inbox.find((entry) => entry.id === c.conversationId)?.lastMessage).toEqual(message);
    expect(await server.db.message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ type: "IMAGE", uploadId: photo.id, body: "" });
  });

  it("sends a PDF as a file message with a trimmed caption", async () => {
    const c = await openChat(server, track);
    const terms = uploaded(await upload(server.url, { cookie: c.agent.cookie }, c.conversationId, { bytes: pdf(), name: "terms.pdf" }));
    const [ack, atVisitor] = await Promise.all([sendUpload(c.agentTab, c.conversationId, terms.id, "  Our terms  "), waitFor<MessageView>(c.visitorTab, "message:sent")]);
    expect(unwrap(ack).message).toMatchObject({ type: "file", body: "Our terms", attachment: terms });
    expect(atVisitor).toEqual(unwrap(ack).message);
  });

  it("keeps text messages as they were: type text, no attachment", async () => {
    const c = await openChat(server, track);
    expect(unwrap(await send(c.visitorTab, c.conversationId, "hello")).message).toMatchObject({ type: "text", body: "hello", attachment: null });
  });

  it("refuses a message with neither body nor upload with BAD_INPUT, storing nothing", async () => {
    const c = await openChat(server, track);
    const ack = await c.visitorTab.timeout(ACK_TIMEOUT_MS).emitWithAck("message:send", { conversationId: c.conversationId, clientMsgId: randomUUID(), body: "   " });
    expect(ack).toEqual({ ok: false, error: { code: "BAD_INPUT", message: expect.stringContaining("message is empty") } });
    const noBody = await c.visitorTab.timeout(ACK_TIMEOUT_MS).emitWithAck("message:send", { conversationId: c.conversationId, clientMsgId: randomUUID() });
    expect(noBody).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    const badId = await sendUpload(c.visitorTab, c.conversationId, "not-a-uuid");
    expect(badId).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    expect(await server.db.message.count({ where: { conversationId: c.conversationId } })).toBe(0);
  });

  it("refuses to attach an upload to a second message (CONFLICT), without taking a seq", async () => {
    const c = await openChat(server, track);
    const photo = uploaded(await upload(server.url, { token: c.visitor.token }, c.conversationId, { bytes: await images.gif(), name: "a.gif" }));
    unwrap(await sendUpload(c.visitorTab, c.conversationId, photo.id));
    const again = await sendUpload(c.visitorTab, c.conversationId, photo.id, "same photo again");
    expect(again).toEqual({ ok: false, error: { code: "CONFLICT", message: expect.any(String) } });
    expect(unwrap(await send(c.visitorTab, c.conversationId, "next")).message.seq).toBe(2);
  });

  it("answers a retry with the same clientMsgId with the stored message, not a CONFLICT", async () => {
    const c = await openChat(server, track);
    const photo = uploaded(await upload(server.url, { token: c.visitor.token }, c.conversationId, { bytes: await images.webp(), name: "a.webp" }));
    const clientMsgId = randomUUID();
    const first = unwrap(await sendUpload(c.visitorTab, c.conversationId, photo.id, "look", clientMsgId)).message;
    const retry = unwrap(await sendUpload(c.visitorTab, c.conversationId, photo.id, "look", clientMsgId)).message;
    expect(retry).toEqual(first);
    expect(await server.db.message.count({ where: { conversationId: c.conversationId } })).toBe(1);
  });

  it("lets one of two messages racing for the same upload have it, and the other gets CONFLICT, with no seq gap", async () => {
    const c = await openChat(server, track);
    const photo = uploaded(await upload(server.url, { token: c.visitor.token }, c.conversationId, { bytes: await images.jpeg(), name: "a.jpg" }));
    const acks = await Promise.all([sendUpload(c.visitorTab, c.conversationId, photo.id), sendUpload(c.visitorOtherTab, c.conversationId, photo.id)]);
    expect(acks.filter((ack) => ack.ok)).toHaveLength(1);
    expect(acks.filter((ack) => !ack.ok)).toEqual([{ ok: false, error: { code: "CONFLICT", message: expect.any(String) } }]);
    expect(unwrap(await send(c.visitorTab, c.conversationId, "next")).message.seq).toBe(2);
  });

  it("answers NOT_FOUND for an upload of the peer, of another conversation, or that does not exist", async () => {
    const c = await openChat(server, track);
    const agentsUpload = uploaded(await upload(server.url, { cookie: c.agent.cookie }, c.conversationId, { bytes: pdf(), name: "a.pdf" }));
    // The same visitor device in a conversation with another agent.
    const otherAgent = await seedAgent(server.db, "Other");
    const elsewhere = await identifyVisitor(server.url, otherAgent.deviceId, c.visitor.token);
    expect(elsewhere.visitor.deviceId).toBe(c.visitor.visitor.deviceId);
    const visitorAgain = await connectVisitor(server.url, elsewhere.token);
    track(visitorAgain);
    const fromElsewhere = uploaded(await upload(server.url, { token: elsewhere.token }, elsewhere.conversationId, { bytes: pdf(), name: "b.pdf" }));
    const candidates: UploadView["id"][] = [agentsUpload.id, fromElsewhere.id, randomUUID()];
    for (const uploadId of candidates) {
      const ack = await sendUpload(visitorAgain, c.conversationId, uploadId, "see attached");
      expect(ack).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "upload not found" } });
    }
    expect(await server.db.message.count({ where: { conversationId: c.conversationId } })).toBe(0);
  });
});
