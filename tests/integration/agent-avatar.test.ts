import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { AckResult, AgentSettings } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectAgent, openConversation, seedAgent, unwrap, useServer } from "./support.ts";
import { filesIn, images, pdf } from "./uploads-support.ts";

const { server, track } = useServer();

type AvatarReply = AckResult<{ avatarUrl: string | null }>;

async function postAvatar(cookie: string | undefined, file: { bytes: Buffer; name?: string; type?: string } | undefined, headers: Record<string, string> = {}) {
  const form = new FormData();
  if (file) form.append("file", new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "application/octet-stream" }), file.name ?? "me.png");
  const response = await fetch(new URL("/api/agents/avatar", server.url), { method: "POST", headers: { ...(cookie && { cookie }), ...headers }, body: form });
  return { status: response.status, reply: (await response.json()) as AvatarReply };
}

const deleteAvatar = async (cookie?: string) => {
  const response = await fetch(new URL("/api/agents/avatar", server.url), { method: "DELETE", headers: cookie ? { cookie } : {} });
  return { status: response.status, reply: (await response.json()) as AvatarReply };
};

const get = (path: string, method = "GET") => fetch(new URL(path, server.url), { method });

const avatarFiles = () => filesIn(server.config.UPLOADS_DIR).filter((name) => name.startsWith("avatar-"));

describe("POST /api/agents/avatar", () => {
  it("stores the image as a 256×256 WebP square, sets the agent's avatar and serves it publicly", async () => {
    const agent = await seedAgent(server.db);
    const { status, reply } = await postAvatar(agent.cookie, { bytes: await images.jpeg(640, 360), type: "image/jpeg" });
    expect(status).toBe(200);
    const { avatarUrl } = unwrap(reply);
    const row = await server.db.agent.findUniqueOrThrow({ where: { id: agent.id } });
    expect(row.avatarKey).toMatch(/^avatar-[0-9a-f-]{36}\.webp$/);
    expect(avatarUrl).toBe(`/api/agents/${agent.deviceId}/avatar?v=${row.avatarKey}`);

    const served = await get(avatarUrl!); // no cookie: the widget shows it on any site
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/webp");
    expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(served.headers.get("content-length")).toBe(String(bytes.length));
    const meta = await sharp(bytes).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: "webp", width: 256, height: 256 });
  });

  it.each(["png", "gif", "webp"] as const)("accepts a %s image", async (format) => {
    const agent = await seedAgent(server.db);
    const { reply } = await postAvatar(agent.cookie, { bytes: await images[format](300, 500) });
    expect(unwrap(reply).avatarUrl).toMatch(/\/avatar\?v=avatar-/);
  });

  it("shows the new avatar in agent:get-settings", async () => {
    const agent = await seedAgent(server.db);
    const { avatarUrl } = unwrap((await postAvatar(agent.cookie, { bytes: await images.png() })).reply);
    const socket = await connectAgent(server.url, agent.cookie);
    track(socket);
    const { settings } = unwrap((await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("agent:get-settings", {})) as AckResult<{ settings: AgentSettings }>);
    expect(settings.avatarUrl).toBe(avatarUrl);
  });

  it("replaces the avatar under a new URL and deletes the old file", async () => {
    const agent = await seedAgent(server.db);
    const first = unwrap((await postAvatar(agent.cookie, { bytes: await images.png() })).reply).avatarUrl!;
    const firstKey = (await server.db.agent.findUniqueOrThrow({ where: { id: agent.id } })).avatarKey!;
    expect(avatarFiles()).toContain(firstKey);
    const second = unwrap((await postAvatar(agent.cookie, { bytes: await images.jpeg() })).reply).avatarUrl!;
    const secondKey = (await server.db.agent.findUniqueOrThrow({ where: { id: agent.id } })).avatarKey!;
    expect(second).not.toBe(first);
    expect(avatarFiles()).toContain(secondKey);
    expect(avatarFiles()).not.toContain(firstKey);
    expect((await get(second)).status).toBe(200);
  });

  it.each([
    ["a PDF", () => pdf()],
    ["an SVG", () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ["random bytes named .png", () => randomBytes(2048)],
  ])("refuses %s with 415 UNSUPPORTED_MEDIA_TYPE and keeps the old avatar", async (_name, bytes) => {
    const agent = await seedAgent(server.db);
    const { avatarUrl } = unwrap((await postAvatar(agent.cookie, { bytes: await images.png() })).reply);
    const { status, reply } = await postAvatar(agent.cookie, { bytes: bytes(), name: "me.png", type: "image/png" });
    expect(status).toBe(415);
    expect(reply).toMatchObject({ ok: false, error: { code: "UNSUPPORTED_MEDIA_TYPE" } });
    const row = await server.db.agent.findUniqueOrThrow({ where: { id: agent.id } });
    expect(avatarUrl).toContain(row.avatarKey!);
  });

  it("refuses a file over 5 MB with 413 PAYLOAD_TOO_LARGE", async () => {
    const agent = await seedAgent(server.db);
    const big = Buffer.concat([await images.png(), randomBytes(5 * 1024 * 1024)]);
    const { status, reply } = await postAvatar(agent.cookie, { bytes: big });
    expect(status).toBe(413);
    expect(reply).toMatchObject({ ok: false, error: { code: "PAYLOAD_TOO_LARGE" } });
    expect((await server.db.agent.findUniqueOrThrow({ where: { id: agent.id } })).avatarKey).toBeNull();
  });

  it("refuses a request without a session with 401 UNAUTHENTICATED", async () => {
    const before = avatarFiles();
    const { status, reply } = await postAvatar(undefined, { bytes: await images.png() });
    expect(status).toBe(401);
    expect(reply).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
    expect(avatarFiles()).toEqual(before);
  });

  it("refuses a visitor's token: avatars are agents' only", async () => {
    const { visitor } = await openConversation(server);
    const { status, reply } = await postAvatar(undefined, { bytes: await images.png() }, { authorization: `Bearer ${visitor.token}` });
    expect(status).toBe(401);
    expect(reply).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
  });

  it("refuses the agent's cookie on a request from another site with 403 FORBIDDEN", async () => {
    const agent = await seedAgent(server.db);
    const { status, reply } = await postAvatar(agent.cookie, { bytes: await images.png() }, { "sec-fetch-site": "cross-site" });
    expect(status).toBe(403);
    expect(reply).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });

  it("refuses a body without a file part with 400 BAD_INPUT", async () => {
    const agent = await seedAgent(server.db);
    const { status, reply } = await postAvatar(agent.cookie, undefined);
    expect(status).toBe(400);
    expect(reply).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
  });
});

describe("DELETE /api/agents/avatar", () => {
  it("removes the avatar and its file; the URL then answers 404", async () => {
    const agent = await seedAgent(server.db);
    const { avatarUrl } = unwrap((await postAvatar(agent.cookie, { bytes: await images.png() })).reply);
    const key = (await server.db.agent.findUniqueOrThrow({ where: { id: agent.id } })).avatarKey!;
    const { status, reply } = await deleteAvatar(agent.cookie);
    expect(status).toBe(200);
    expect(unwrap(reply)).toEqual({ avatarUrl: null });
    expect((await server.db.agent.findUniqueOrThrow({ where: { id: agent.id } })).avatarKey).toBeNull();
    expect(avatarFiles()).not.toContain(key);
    expect((await get(avatarUrl!)).status).toBe(404);
    expect(unwrap((await deleteAvatar(agent.cookie)).reply)).toEqual({ avatarUrl: null }); // nothing left to remove is fine
  });

  it("refuses a request without a session with 401 UNAUTHENTICATED", async () => {
    const { status, reply } = await deleteAvatar();
    expect(status).toBe(401);
    expect(reply).toMatchObject({ ok: false, error: { code: "UNAUTHENTICATED" } });
  });
});

describe("GET /api/agents/<agentDeviceId>/avatar", () => {
  it("answers 404 NOT_FOUND for an agent without an avatar, an unknown agent and a malformed ID", async () => {
    const agent = await seedAgent(server.db);
    for (const id of [agent.deviceId, "0".repeat(32), "..%2F..%2Fetc"]) {
      const response = await get(`/api/agents/${id}/avatar`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    }
  });

  it("answers HEAD with the headers and no body", async () => {
    const agent = await seedAgent(server.db);
    const { avatarUrl } = unwrap((await postAvatar(agent.cookie, { bytes: await images.png() })).reply);
    const response = await get(avatarUrl!, "HEAD");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/webp");
    expect(await response.text()).toBe("");
  });
});
