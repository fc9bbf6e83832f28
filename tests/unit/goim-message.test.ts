import { describe, expect, it } from "vitest";
import type { MessageView } from "../../src/core/messages/message-view.ts";
import type { UploadView } from "../../src/core/uploads/upload-view.ts";
import { toGoimMessage } from "../../src/server/goim/goim-message.ts";

const visitor = "0123456789abcdef0123456789abcdef";
const agent = "fedcba9876543210fedcba9876543210";
const base: MessageView = {
  id: "019ab5c2-0000-7000-8000-000000000001",
  conversationId: visitor + agent,
  seq: 3,
  senderDeviceId: visitor,
  clientMsgId: "6f0c1e9e-6f1f-4f55-9d5f-1b1f2a3b4c5d",
  type: "text",
  body: 'say "hi"',
  attachment: null,
  createdAt: "2026-11-23T23:59:30.900Z",
};
const upload = (kind: UploadView["kind"]): UploadView => ({ id: "u1", kind, mime: kind === "image" ? "image/png" : "application/pdf", size: 10, name: "x", width: null, height: null, url: "/api/uploads/u1", thumbnailUrl: null });

describe("toGoimMessage", () => {
  it("writes golang-im's fields with string ids, the agent half of the room as shop_id, and unix seconds", () => {
    expect(toGoimMessage(base, "https://chat.example")).toEqual({
      user_id: visitor,
      shop_id: agent,
      type: "text",
      msg: 'say "hi"',
      room_id: visitor + agent,
      dateline: Math.floor(Date.parse("2026-11-23T23:59:30Z") / 1000),
      id: base.id,
      seq: 3,
    });
  });

  it("gives an image message its absolute URL as msg", () => {
    expect(toGoimMessage({ ...base, type: "image", body: "", attachment: upload("image") }, "https://chat.example")).toMatchObject({ type: "image", msg: "https://chat.example/api/uploads/u1" });
  });

  it("shows a file as text: the caption, then the URL", () => {
    expect(toGoimMessage({ ...base, type: "file", body: "the invoice", attachment: upload("file") }, "")).toMatchObject({ type: "text", msg: "the invoice\n/api/uploads/u1" });
  });
});
