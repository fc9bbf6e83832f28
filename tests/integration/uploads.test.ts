import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { identifyVisitor, openConversation, seedAgent, useServer } from "./support.ts";
import { filesIn, hugePng, images, pdf, upload, uploaded } from "./uploads-support.ts";

const { server } = useServer();

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A visitor's conversation, and how that visitor uploads into it. */
async function visitorChat() {
  const { agent, visitor, conversationId } = await openConversation(server);
  const put = (file: { bytes: Buffer; name: string; type?: string }) => upload(server.url, { token: visitor.token }, conversationId, file);
  return { agent, visitor, conversationId, put };
}

const fetchUpload = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);

describe("POST /api/uploads: what is accepted", () => {
  it.each([
    ["png", "image/png", "png"],
    ["jpeg", "image/jpeg", "jpg"],
    ["gif", "image/gif", "gif"],
    ["webp", "image/webp", "webp"],
  ] as const)("accepts a %s image as an image, with its size", async (format, mime, extension) => {
    const c = await visitorChat();
    const bytes = await images[format](64, 48);
    const view = uploaded(await c.put({ bytes, name: `photo.${extension}`, type: mime }));
    expect(view).toEqual({
      id: expect.stringMatching(UUID_V4),
      kind: "image",
      mime,
      size: bytes.length,
      name: `photo.${extension}`,
      width: 64,
      height: 48,
      url: `/api/uploads/${view.id}`,
      thumbnailUrl: null, // 64×48 is small enough to show as it is
    });
    const row = await server.db.upload.findUniqueOrThrow({ where: { id: view.id } });
    expect(row).toMatchObject({ conversationId: c.conversationId, uploaderDeviceId: c.visitor.visitor.deviceId, storageKey: `${view.id}.${extension}`, thumbnailKey: null, kind: "IMAGE" });
  });

  it("accepts a PDF as a file, with no size", async () => {
    const c = await visitorChat();
    const bytes = pdf();
    const view = uploaded(await c.put({ bytes, name: "invoice.pdf", type: "application/pdf" }));
    expect(view).toMatchObject({ kind: "file", mime: "application/pdf", size: bytes.length, name: "invoice.pdf", width: null, height: null, thumbnailUrl: null });
  });

  it("goes by the content: a PNG named .exe and declared application/octet-stream is a PNG", async () => {
    const c = await visitorChat();
    const view = uploaded(await c.put({ bytes: await images.png(), name: "setup.exe", type: "application/octet-stream" }));
    expect(view).toMatchObject({ kind: "image", mime: "image/png", name: "setup.exe" });
    const row = await server.db.upload.findUniqueOrThrow({ where: { id: view.id } });
    expect(row.storageKey).toBe(`${view.id}.png`); // stored under the sniffed type's extension, whatever the name says
  });

  it("accepts either order of the form fields", async () => {
    const c = await visitorChat();
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(await images.png())]), "first.png");
    form.append("conversationId", c.conversationId);
    const response = await fetchUpload("/api/uploads", { method: "POST", headers: { authorization: `Bearer ${c.visitor.token}` }, body: form });
    expect(response.status).toBe(200);
  });

  it("makes a WebP thumbnail of at most 480 px for a large image, and records the original's size", async () => {
    const c = await visitorChat();
    const view = uploaded(await c.put({ bytes: await images.png(1200, 800), name: "screenshot.png", type: "image/png" }));
    expect(view).toMatchObject({ width: 1200, height: 800, thumbnailUrl: `/api/uploads/${view.id}/thumbnail` });
    const response = await fetchUpload(view.thumbnailUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/webp");
    const thumbnail = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect(thumbnail).toMatchObject({ format: "webp", width: 480, height: 320 });
  });

  it("records a photo's size as displayed, with its EXIF rotation applied", async () => {
    const c = await visitorChat();
    const sideways = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#808080" } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const view = uploaded(await c.put({ bytes: sideways, name: "phone.jpg" }));
    expect(view).toMatchObject({ width: 480, height: 640 });
    const thumbnail = await sharp(Buffer.from(await (await fetchUpload(view.thumbnailUrl!)).arrayBuffer())).metadata();
    expect(thumbnail).toMatchObject({ width: 360, height: 480 });
  });

  it("lets an agent upload into its own conversation with its session cookie", async () => {
    const { agent, conversationId } = await openConversation(server);
    const view = uploaded(await upload(server.url, { cookie: agent.cookie }, conversationId, { bytes: pdf(), name: "terms.pdf" }));
    expect(await server.db.upload.findUniqueOrThrow({ where: { id: view.id } })).toMatchObject({ uploaderDeviceId: agent.deviceId, conversationId });
  });
});

describe("POST /api/uploads: what is refused", () => {
  const html = Buffer.from("<!doctype html><html><body><script>alert(document.cookie)</script></body></html>");
  const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>');
  const exe = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(62), Buffer.from("PE\0\0"), Buffer.alloc(200)]);
  const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]), Buffer.alloc(120)]);

  it.each([
    ["an HTML page named .png and declared image/png", html, "cat.png", "image/png"],
    ["an SVG with a script", svg, "logo.svg", "image/svg+xml"],
    ["an SVG with a script named .png", svg, "logo.png", "image/png"],
    ["an executable (MZ header) named .pdf", exe, "invoice.pdf", "application/pdf"],
    ["a zip archive named .jpg", zip, "photo.jpg", "image/jpeg"],
    ["a shell script", Buffer.from("#!/bin/sh\nrm -rf /\n"), "run.sh", "text/x-sh"],
    ["plain text", Buffer.from("just some words"), "notes.txt", "text/plain"],
    ["a PNG header followed by garbage", Buffer.concat([Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"), Buffer.alloc(64, 7)]), "broken.png", "image/png"],
  ])("refuses %s with 415 UNSUPPORTED_MEDIA_TYPE, and stores nothing", async (_what, bytes, name, type) => {
    const c = await visitorChat();
    const before = filesIn(server.config.UPLOADS_DIR);
    const { status, reply } = await c.put({ bytes, name, type });
    expect(status).toBe(415);
    expect(reply).toEqual({ ok: false, error: { code: "UNSUPPORTED_MEDIA_TYPE", message: expect.any(String) } });
    expect(filesIn(server.config.UPLOADS_DIR)).toEqual(before);
    expect(await server.db.upload.count({ where: { conversationId: c.conversationId } })).toBe(0);
  });

  it("refuses an image that declares more than 100 megapixels with 413 PAYLOAD_TOO_LARGE, without decoding it", async () => {
    const c = await visitorChat();
    const before = filesIn(server.config.UPLOADS_DIR);
    const { status, reply } = await c.put({ bytes: hugePng(20_000, 10_000), name: "bomb.png" });
    expect(status).toBe(413);
    expect(reply).toMatchObject({ ok: false, error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(filesIn(server.config.UPLOADS_DIR)).toEqual(before);
  });

  it("refuses a request without the file with 400 BAD_INPUT", async () => {
    const c = await visitorChat();
    const { status, reply } = await upload(server.url, { token: c.visitor.token }, c.conversationId, undefined);
    expect(status).toBe(400);
    expect(reply).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
  });

  it("refuses a request without a conversationId, or with a malformed one, with 400 BAD_INPUT", async () => {
    const c = await visitorChat();
    const file = { bytes: await images.png(), name: "a.png" };
    for (const conversationId of [undefined, "not-a-conversation"]) {
      const { status, reply } = await upload(server.url, { token: c.visitor.token }, conversationId, file);
      expect(status).toBe(400);
      expect(reply).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    }
  });

  it("refuses a body that is not multipart/form-data with 400 BAD_INPUT", async () => {
    const c = await visitorChat();
    const response = await fetchUpload("/api/uploads", { method: "POST", headers: { authorization: `Bearer ${c.visitor.token}`, "content-type": "image/png" }, body: await images.png() });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
  });

  it("refuses the file under another field name, or two files, with 400 BAD_INPUT", async () => {
    const c = await visitorChat();
    const png = await images.png();
    for (const names of [["attachment"], ["file", "file"]]) {
      const form = new FormData();
      form.append("conversationId", c.conversationId);
      for (const name of names) form.append(name, new Blob([new Uint8Array(png)]), "a.png");
      const response = await fetchUpload("/api/uploads", { method: "POST", headers: { authorization: `Bearer ${c.visitor.token}` }, body: form });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    }
  });
});

describe("POST /api/uploads: who may upload where", () => {
  it("refuses a caller with neither token nor cookie with 401 UNAUTHENTICATED", async () => {
    const { conversationId } = await openConversation(server);
    const { status, reply } = await upload(server.url, {}, conversationId, { bytes: await images.png(), name: "a.png" });
    expect(status).toBe(401);
    expect(reply).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
  });

  it("refuses a forged token with 401 UNAUTHENTICATED", async () => {
    const { conversationId } = await openConversation(server);
    const { status } = await upload(server.url, { token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" }, conversationId, { bytes: await images.png(), name: "a.png" });
    expect(status).toBe(401);
  });

  it("answers a visitor uploading into another visitor's conversation as if it did not exist (404), and stores nothing", async () => {
    const mine = await visitorChat();
    const theirs = await identifyVisitor(server.url, mine.agent.deviceId);
    const before = filesIn(server.config.UPLOADS_DIR);
    const { status, reply } = await upload(server.url, { token: mine.visitor.token }, theirs.conversationId, { bytes: await images.png(), name: "a.png" });
    expect(status).toBe(404);
    expect(reply).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    const missing = await upload(server.url, { token: mine.visitor.token }, "f".repeat(64), { bytes: await images.png(), name: "a.png" });
    expect(missing.reply).toEqual(reply); // missing and not yours answer alike
    expect(filesIn(server.config.UPLOADS_DIR)).toEqual(before);
  });

  it("answers an agent uploading into another agent's conversation with 404", async () => {
    const { conversationId } = await openConversation(server);
    const stranger = await seedAgent(server.db, "Stranger");
    const { status } = await upload(server.url, { cookie: stranger.cookie }, conversationId, { bytes: await images.png(), name: "a.png" });
    expect(status).toBe(404);
  });

  it("refuses an agent's cookie on an upload a browser marks as coming from another site (403)", async () => {
    const { agent, conversationId } = await openConversation(server);
    const form = new FormData();
    form.append("conversationId", conversationId);
    form.append("file", new Blob([new Uint8Array(await images.png())]), "a.png");
    const response = await fetchUpload("/api/uploads", { method: "POST", headers: { cookie: agent.cookie, "sec-fetch-site": "cross-site" }, body: form });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });
});

describe("file names", () => {
  it.each([
    ["../../etc/passwd.png", "passwd.png"],
    ["..\\..\\x.png", "x.png"],
    ["/absolute/path/shot.png", "shot.png"],
    ["line\r\nbreak.png", "linebreak.png"], // sent escaped (%0D%0A) as browsers do, and unescaped by the server
    ["evil\u202egnp.exe", "evilgnp.exe"],
    ["   ", "image.png"],
    ["\u202e\u200f", "image.png"],
  ])("stores %j only inside the uploads directory, under a random name, and shows it as %j", async (name, shown) => {
    const c = await visitorChat();
    const before = filesIn(server.config.UPLOADS_DIR);
    const view = uploaded(await c.put({ bytes: await images.png(), name }));
    expect(view.name).toBe(shown);
    expect(filesIn(server.config.UPLOADS_DIR)).toEqual([...before, `${view.id}.png`].sort());
  });

  it("shows a name with a NUL byte (RFC 8187 filename*) without it, and stores the file under a random name", async () => {
    const c = await visitorChat();
    const before = filesIn(server.config.UPLOADS_DIR);
    const boundary = `parley-${randomUUID()}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="conversationId"\r\n\r\n${c.conversationId}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''..%2F..%2Fnul%00byte%0A.png\r\nContent-Type: image/png\r\n\r\n`),
      await images.png(),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await fetchUpload("/api/uploads", { method: "POST", headers: { authorization: `Bearer ${c.visitor.token}`, "content-type": `multipart/form-data; boundary=${boundary}` }, body });
    const view = uploaded({ status: response.status, reply: await response.json() });
    expect(view.name).toBe("nulbyte.png");
    expect(filesIn(server.config.UPLOADS_DIR)).toEqual([...before, `${view.id}.png`].sort());
  });

  it.each(["..", ""])("treats a file part named %j as no file at all (400), writing nothing", async (name) => {
    const c = await visitorChat();
    const before = filesIn(server.config.UPLOADS_DIR);
    const { status } = await c.put({ bytes: await images.png(), name });
    expect(status).toBe(400);
    expect(filesIn(server.config.UPLOADS_DIR)).toEqual(before);
  });

  it("keeps a long name's extension while cutting it to 200 characters", async () => {
    const c = await visitorChat();
    const view = uploaded(await c.put({ bytes: pdf(), name: `${"ü".repeat(300)}.pdf` }));
    expect(view.name).toBe(`${"ü".repeat(196)}.pdf`);
  });
});

describe("GET /api/uploads/<id>", () => {
  it("serves an image inline with its sniffed type, nosniff, a sandboxing CSP and long caching, byte for byte", async () => {
    const c = await visitorChat();
    const bytes = await images.png();
    const view = uploaded(await c.put({ bytes, name: "shot.exe", type: "application/x-msdownload" }));
    const response = await fetchUpload(view.url);
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "image/png",
      "content-length": String(bytes.length),
      "x-content-type-options": "nosniff",
      "content-disposition": "inline",
      "content-security-policy": "default-src 'none'; sandbox",
      "cache-control": "public, max-age=31536000, immutable",
    });
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it("serves a PDF as a download under its display name, ASCII and UTF-8", async () => {
    const c = await visitorChat();
    const bytes = pdf();
    const view = uploaded(await c.put({ bytes, name: 'Rechnung "März" 50%.pdf' }));
    const response = await fetchUpload(view.url);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="Rechnung _M_rz_ 50_.pdf"; filename*=UTF-8''Rechnung%20%22M%C3%A4rz%22%2050%25.pdf`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it("serves the original as the thumbnail of an upload that has none", async () => {
    const c = await visitorChat();
    const bytes = await images.gif();
    const view = uploaded(await c.put({ bytes, name: "small.gif" }));
    const response = await fetchUpload(`${view.url}/thumbnail`);
    expect(response.headers.get("content-type")).toBe("image/gif");
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes);
  });

  it("answers HEAD with the headers and no body", async () => {
    const c = await visitorChat();
    const view = uploaded(await c.put({ bytes: pdf(), name: "a.pdf" }));
    const response = await fetchUpload(view.url, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(pdf().length));
    expect(await response.text()).toBe("");
  });

  it.each([randomUUID(), "not-a-uuid", "..%2F..%2Fetc%2Fpasswd", `${randomUUID()}.png`])("answers 404 NOT_FOUND for the unknown or malformed id %s", async (id) => {
    const response = await fetchUpload(`/api/uploads/${id}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect((await fetchUpload(`/api/uploads/${id}/thumbnail`)).status).toBe(404);
  });

  it("stores the very bytes it was sent", async () => {
    const c = await visitorChat();
    const bytes = await images.jpeg(300, 200);
    const view = uploaded(await c.put({ bytes, name: "a.jpg" }));
    expect(readFileSync(join(server.config.UPLOADS_DIR, `${view.id}.jpg`))).toEqual(bytes);
  });
});
