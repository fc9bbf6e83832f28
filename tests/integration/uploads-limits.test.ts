import { describe, expect, it } from "vitest";
import { identifyVisitor, openConversation, useServer } from "./support.ts";
import { filesIn, images, pdf, upload, uploaded } from "./uploads-support.ts";

const MB = 1024 * 1024;
/** A PDF (by its header) of exactly `size` bytes: the padding is a comment to a reader, and file-type looks at the start. */
const pdfOfSize = (size: number) => Buffer.concat([pdf(), Buffer.alloc(size - pdf().length, 0x20)]);

describe("UPLOAD_MAX_BYTES", () => {
  const { server } = useServer({ UPLOAD_MAX_BYTES: MB });

  it("accepts a file of exactly the limit", async () => {
    const { visitor, conversationId } = await openConversation(server);
    const view = uploaded(await upload(server.url, { token: visitor.token }, conversationId, { bytes: pdfOfSize(MB), name: "big.pdf" }));
    expect(view.size).toBe(MB);
  });

  it("refuses a larger file with 413 PAYLOAD_TOO_LARGE and writes nothing to the uploads directory", async () => {
    const { visitor, conversationId } = await openConversation(server);
    const before = filesIn(server.config.UPLOADS_DIR);
    for (const size of [MB + 1, 3 * MB]) {
      const { status, reply } = await upload(server.url, { token: visitor.token }, conversationId, { bytes: pdfOfSize(size), name: "huge.pdf" });
      expect(status).toBe(413);
      expect(reply).toEqual({ ok: false, error: { code: "PAYLOAD_TOO_LARGE", message: expect.any(String) } });
    }
    expect(filesIn(server.config.UPLOADS_DIR)).toEqual(before);
    expect(await server.db.upload.count({ where: { conversationId } })).toBe(0);
  });

  it("checks the conversation before the file when conversationId comes first: a stranger's big file gets 404, not 413", async () => {
    const { agent, conversationId } = await openConversation(server);
    const stranger = await identifyVisitor(server.url, agent.deviceId);
    const { status, reply } = await upload(server.url, { token: stranger.token }, conversationId, { bytes: pdfOfSize(3 * MB), name: "huge.pdf" });
    expect(status).toBe(404);
    expect(reply).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
  });
});

describe("UPLOADS_PER_MINUTE", () => {
  const { server } = useServer({ UPLOADS_PER_MINUTE: 3 });

  it("refuses a device's 4th upload within a minute with 429 RATE_LIMITED and Retry-After, and goes on serving", async () => {
    const { agent, visitor, conversationId } = await openConversation(server);
    const put = () => upload(server.url, { token: visitor.token }, conversationId, { bytes: pdf(), name: "a.pdf" });
    const accepted = [uploaded(await put()), uploaded(await put()), uploaded(await put())];
    const refused = await put();
    expect(refused.status).toBe(429);
    expect(refused.reply).toEqual({ ok: false, error: { code: "RATE_LIMITED", message: expect.any(String), retriable: true, retryAfterMs: expect.any(Number) } });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // The limit is the device's: the agent in the same conversation still uploads, and files are still served.
    uploaded(await upload(server.url, { cookie: agent.cookie }, conversationId, { bytes: await images.png(), name: "b.png" }));
    expect((await fetch(new URL(accepted[0]!.url, server.url))).status).toBe(200);
    expect((await fetch(new URL("/api/health", server.url))).status).toBe(200);
  });

  it("refuses a large body over the limit with its answer, not a broken connection", async () => {
    const { visitor, conversationId } = await openConversation(server);
    const put = (bytes: Buffer) => upload(server.url, { token: visitor.token }, conversationId, { bytes, name: "a.pdf" });
    for (let i = 0; i < 3; i++) uploaded(await put(pdf()));
    const refused = await put(Buffer.concat([pdf(), Buffer.alloc(4 * 1024 * 1024, 0x20)]));
    expect(refused.status).toBe(429);
  });
});
