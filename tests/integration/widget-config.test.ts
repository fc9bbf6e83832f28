import { describe, expect, it } from "vitest";
import type { AckResult, PublicWidgetConfig, VisitorProfile } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectAgent, connectVisitor, postJson, seedAgent, send, unwrap, useServer, waitFor } from "./support.ts";

const { server, track } = useServer();

const getConfig = async (agentId: string) => {
  const response = await fetch(new URL(`/api/widget/${agentId}`, server.url));
  return { response, reply: (await response.json()) as AckResult<PublicWidgetConfig> };
};

const identify = async (body: Record<string, unknown>) => {
  const response = await postJson(server.url, "/api/visitors", body);
  return { status: response.status, reply: (await response.json()) as AckResult<Record<string, unknown> & { visitor: { deviceId: string }; token: string; conversationId: string }> };
};

describe("GET /api/widget/:agentId", () => {
  it("answers the agent's name, avatar, widget settings and presence, readable from any origin for 30 seconds", async () => {
    const agent = await seedAgent(server.db, "Grace");
    const { response, reply } = await getConfig(agent.deviceId);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("cache-control")).toBe("public, max-age=30");
    expect(unwrap(reply)).toEqual({
      agent: { deviceId: agent.deviceId, name: "Grace", avatarUrl: null },
      widget: { color: "#4f46e5", greeting: "", position: "right", offlineMessage: "", preChatForm: false },
      online: false,
    });
  });

  it("follows the agent's settings and says online while any of the agent's sockets is connected", async () => {
    const agent = await seedAgent(server.db);
    const [console1, console2] = await Promise.all([connectAgent(server.url, agent.cookie), connectAgent(server.url, agent.cookie)]);
    track(console1, console2);
    const widget = { color: "#FDE047", greeting: "Hello there!", position: "left" as const, offlineMessage: "Back at 9.", preChatForm: true };
    unwrap(await console1.timeout(ACK_TIMEOUT_MS).emitWithAck("agent:update-settings", { widget }));
    expect(unwrap((await getConfig(agent.deviceId)).reply)).toMatchObject({ widget: { ...widget, color: "#fde047" }, online: true });

    console1.close(); // one console still open: still online
    await expect.poll(async () => unwrap((await getConfig(agent.deviceId)).reply).online).toBe(true);
    console2.close();
    await expect.poll(async () => unwrap((await getConfig(agent.deviceId)).reply).online).toBe(false);
  });

  it("names an uploaded avatar by its key", async () => {
    const agent = await seedAgent(server.db);
    await server.db.agent.update({ where: { id: agent.id }, data: { avatarKey: "abc 1" } });
    expect(unwrap((await getConfig(agent.deviceId)).reply).agent.avatarUrl).toBe(`/api/agents/${agent.deviceId}/avatar?v=abc%201`);
  });

  it("answers NOT_FOUND for an unknown agent and BAD_INPUT for a malformed ID, still readable cross-origin", async () => {
    const unknown = await getConfig("0".repeat(32));
    expect(unknown.response.status).toBe(404);
    expect(unknown.response.headers.get("access-control-allow-origin")).toBe("*");
    expect(unknown.reply).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    for (const bad of ["not-an-id", "A".repeat(32), "0".repeat(33), "%00"]) {
      const { response, reply } = await getConfig(bad);
      expect(response.status, bad).toBe(400);
      expect(reply, bad).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    }
  });
});

describe("POST /api/visitors, widget fields", () => {
  it("answers the widget settings, the agent's avatar and presence, and what the visitor said about themselves", async () => {
    const agent = await seedAgent(server.db, "Lin");
    const { reply } = await identify({ agentId: agent.deviceId });
    expect(unwrap(reply)).toMatchObject({
      agent: { deviceId: agent.deviceId, name: "Lin", avatarUrl: null },
      widget: { color: "#4f46e5", position: "right", preChatForm: false },
      visitor: { name: null, email: null },
      online: false,
    });
  });

  it("records the page, time zone, language and last visit on every identify, not only the first", async () => {
    const agent = await seedAgent(server.db);
    const first = unwrap((await identify({ agentId: agent.deviceId, page: "https://shop.example/a", timezone: "asia/shanghai", locale: "zh-cn" })).reply);
    const device = () => server.db.device.findUniqueOrThrow({ where: { id: first.visitor.deviceId } });
    const before = await device();
    expect(before).toMatchObject({ currentPage: "https://shop.example/a", timezone: "Asia/Shanghai", locale: "zh-CN" });

    const again = unwrap((await identify({ agentId: agent.deviceId, token: first.token, page: "https://shop.example/b", timezone: "Europe/Paris", locale: "fr-FR" })).reply);
    expect(again.visitor.deviceId).toBe(first.visitor.deviceId);
    const after = await device();
    expect(after).toMatchObject({ currentPage: "https://shop.example/b", timezone: "Europe/Paris", locale: "fr-FR" });
    expect(after.lastSeenAt.getTime()).toBeGreaterThan(before.lastSeenAt.getTime());
  });

  it("refuses a time zone or language tag that is not one", async () => {
    const agent = await seedAgent(server.db);
    for (const body of [{ timezone: "Mars/Olympus" }, { timezone: "x".repeat(65) }, { locale: "not a tag!" }, { locale: `en-${"a".repeat(40)}` }]) {
      const { status, reply } = await identify({ agentId: agent.deviceId, ...body });
      expect(status, JSON.stringify(body)).toBe(400);
      expect(reply).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    }
  });

  it("tells the visitor's agents when the visitor is on another page, and only then", async () => {
    const agent = await seedAgent(server.db);
    const first = unwrap((await identify({ agentId: agent.deviceId, page: "https://shop.example/a", timezone: "Europe/Paris" })).reply);
    const [visitorTab, agentTab] = await Promise.all([connectVisitor(server.url, first.token), connectAgent(server.url, agent.cookie)]);
    track(visitorTab, agentTab);
    unwrap(await send(visitorTab, first.conversationId, "hello"));

    const updated = waitFor<VisitorProfile>(agentTab, "visitor:updated");
    unwrap((await identify({ agentId: agent.deviceId, token: first.token, page: "https://shop.example/a", timezone: "Europe/Paris" })).reply); // nothing new
    unwrap((await identify({ agentId: agent.deviceId, token: first.token, page: "https://shop.example/checkout" })).reply);
    // The first announcement is the second call's: the unchanged one made none.
    expect(await updated).toMatchObject({ deviceId: first.visitor.deviceId, currentPage: "https://shop.example/checkout", timezone: "Europe/Paris" });
  });
});
