import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { postJson, seedAgent, useServer, type SeededAgent } from "./support.ts";

const { server } = useServer();
let agent: SeededAgent;
beforeAll(async () => {
  agent = await seedAgent(server.db);
});

describe("GET /api/health", () => {
  it("reports the database up", async () => {
    const response = await fetch(new URL("/api/health", server.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "up", redis: "not configured", shuttingDown: false });
  });
});

describe("POST /api/visitors", () => {
  it("gives a new browser a device ID, a token and its conversation with the agent", async () => {
    const response = await postJson(server.url, "/api/visitors", { agentId: agent.deviceId });
    expect(response.status).toBe(200);
    const { ok, data } = await response.json();
    expect(ok).toBe(true);
    expect(data).toEqual({
      visitor: { deviceId: expect.stringMatching(/^[0-9a-f]{32}$/), label: expect.any(String), userId: null, name: null, email: null },
      agent: { deviceId: agent.deviceId, name: agent.name, avatarUrl: null },
      widget: { color: "#4f46e5", greeting: "", position: "right", offlineMessage: "", preChatForm: false },
      online: false,
      conversationId: `${data.visitor.deviceId}${agent.deviceId}`,
      token: expect.any(String),
    });
  });

  it("recognises a returning browser by its token: same device, same conversation", async () => {
    const first = (await (await postJson(server.url, "/api/visitors", { agentId: agent.deviceId })).json()).data;
    const again = (await (await postJson(server.url, "/api/visitors", { agentId: agent.deviceId, token: first.token })).json()).data;
    expect(again.visitor).toEqual(first.visitor);
    expect(again.conversationId).toBe(first.conversationId);
    expect(await server.db.conversation.count({ where: { visitorDeviceId: first.visitor.deviceId } })).toBe(1);
  });

  it("treats an invalid token as a new browser rather than an error", async () => {
    const response = await postJson(server.url, "/api/visitors", { agentId: agent.deviceId, token: "expired-or-forged" });
    expect(response.status).toBe(200);
    expect((await response.json()).data.visitor.deviceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("answers 404 NOT_FOUND for an agent that does not exist", async () => {
    const response = await postJson(server.url, "/api/visitors", { agentId: randomBytes(16).toString("hex") });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error: { code: "NOT_FOUND", message: expect.any(String) } });
  });

  it("answers 400 BAD_INPUT for a body that is not JSON", async () => {
    const response = await postJson(server.url, "/api/visitors", "{ not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ ok: false, error: { code: "BAD_INPUT", message: "request body is not valid JSON" } });
  });

  it("answers 400 BAD_INPUT for an agent ID of the wrong shape", async () => {
    const response = await postJson(server.url, "/api/visitors", { agentId: "' OR 1=1 --" });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("BAD_INPUT");
  });

  it("answers 400 BAD_INPUT for a body over 16 KiB", async () => {
    const response = await postJson(server.url, "/api/visitors", { agentId: agent.deviceId, page: `https://example.test/${"a".repeat(20_000)}` });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("BAD_INPUT");
  });
});

describe("other routes without Next.js", () => {
  it("answer 404 NOT_FOUND", async () => {
    const response = await fetch(new URL("/admin", server.url));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "no such route" } });
  });
});
