import { describe, expect, it } from "vitest";
import type { AckResult, InboxEntry, PresenceChange, VisitorProfile } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectAgent, connectVisitor, emitAny, identifyVisitor, openChat, seedAgent, unwrap, untyped, useServer, waitFor, type TestSocket } from "./support.ts";

const { server, track } = useServer();

const CHROME_ON_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";
const SAFARI_ON_IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";

type VisitorAck = AckResult<{ visitor: VisitorProfile }>;
type ProfileAck = AckResult<{ profile: { name: string | null; email: string | null; attributes: Record<string, unknown> } }>;

const getVisitor = (socket: TestSocket, deviceId: string): Promise<VisitorAck> => socket.timeout(ACK_TIMEOUT_MS).emitWithAck("visitor:get", { deviceId });
const updateProfile = (socket: TestSocket, input: unknown): Promise<ProfileAck> => emitAny(socket, "visitor:update-profile", input) as Promise<ProfileAck>;

/** POST /api/visitors as a browser on a page, with its own User-Agent. */
async function identifyAs(agentDeviceId: string, userAgent: string, page: string, referrer: string) {
  const response = await fetch(new URL("/api/visitors", server.url), {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": userAgent },
    body: JSON.stringify({ agentId: agentDeviceId, page, referrer }),
  });
  const reply = (await response.json()) as AckResult<{ token: string; conversationId: string; visitor: { deviceId: string; label: string } }>;
  return unwrap(reply);
}

describe("visitor:get", () => {
  it("shows an agent its visitor: browser, OS and device parsed from the user agent, where it came from, when, and whether it is online", async () => {
    const agent = await seedAgent(server.db);
    const visitor = await identifyAs(agent.deviceId, CHROME_ON_MAC, "https://shop.example/pricing?plan=pro", "https://search.example/?q=chat");
    const agentTab = await connectAgent(server.url, agent.cookie);
    track(agentTab);

    const offline = unwrap(await getVisitor(agentTab, visitor.visitor.deviceId)).visitor;
    expect(offline).toMatchObject({
      deviceId: visitor.visitor.deviceId,
      displayName: visitor.visitor.label,
      label: visitor.visitor.label,
      name: null,
      email: null,
      userId: null,
      attributes: {},
      referrer: "https://search.example/?q=chat",
      userAgent: CHROME_ON_MAC,
      browser: "Chrome 142",
      os: "macOS 10.15",
      deviceType: "desktop",
      online: false,
      blocked: { device: false, ip: false },
    });
    expect(offline.ip).toMatch(/127\.0\.0\.1/);
    expect(Date.parse(offline.firstSeenAt)).toBeGreaterThan(Date.now() - 60_000);

    const isVisitor = (online: boolean) => (change: PresenceChange) => change.deviceId === visitor.visitor.deviceId && change.online === online;
    const [visitorTab] = await Promise.all([connectVisitor(server.url, visitor.token), waitFor(agentTab, "presence:changed", isVisitor(true))]);
    track(visitorTab);
    expect(unwrap(await getVisitor(agentTab, visitor.visitor.deviceId)).visitor.online).toBe(true);
    await Promise.all([waitFor(agentTab, "presence:changed", isVisitor(false)), visitorTab.close()]);
    const gone = unwrap(await getVisitor(agentTab, visitor.visitor.deviceId)).visitor;
    expect(gone.online).toBe(false);
    expect(Date.parse(gone.lastSeenAt)).toBeGreaterThanOrEqual(Date.parse(offline.lastSeenAt));
  });

  it("parses a phone's browser as mobile", async () => {
    const agent = await seedAgent(server.db);
    const visitor = await identifyAs(agent.deviceId, SAFARI_ON_IPHONE, "https://shop.example/", "");
    const agentTab = await connectAgent(server.url, agent.cookie);
    track(agentTab);
    expect(unwrap(await getVisitor(agentTab, visitor.visitor.deviceId)).visitor).toMatchObject({ browser: "Safari 17", os: "iOS 17.1", deviceType: "mobile" });
  });

  it("answers NOT_FOUND for another agent's visitor and for a device that does not exist, FORBIDDEN for a visitor", async () => {
    const c = await openChat(server, track);
    const other = await seedAgent(server.db, "Grace");
    const otherTab = await connectAgent(server.url, other.cookie);
    track(otherTab);
    expect(await getVisitor(otherTab, c.visitor.visitor.deviceId)).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "visitor not found" } });
    expect(await getVisitor(c.agentTab, "0".repeat(32))).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await getVisitor(c.agentTab, c.agent.deviceId)).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } }); // the agent's own device is no visitor
    expect(await getVisitor(c.visitorTab, c.visitor.visitor.deviceId)).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    expect(await getVisitor(c.agentTab, "not-a-device")).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
  });
});

describe("visitor:update-profile", () => {
  it("stores the name, email and attributes a visitor gives, and tells its agent's every tab at once (visitor:updated)", async () => {
    const c = await openChat(server, track);
    const otherAgentTab = await connectAgent(server.url, c.agent.cookie);
    track(otherAgentTab);
    const deviceId = c.visitor.visitor.deviceId;
    const [ack, heard, heardElsewhere] = await Promise.all([
      updateProfile(c.visitorTab, { name: "  Grace Hopper ", email: "grace@example.com", attributes: { plan: "pro", seats: 12, trial: false } }),
      waitFor<VisitorProfile>(c.agentTab, "visitor:updated"),
      waitFor<VisitorProfile>(otherAgentTab, "visitor:updated"),
    ]);
    expect(unwrap(ack)).toEqual({ profile: { name: "Grace Hopper", email: "grace@example.com", attributes: { plan: "pro", seats: 12, trial: false } } });
    expect(heard).toMatchObject({ deviceId, displayName: "Grace Hopper", name: "Grace Hopper", email: "grace@example.com", attributes: { plan: "pro", seats: 12, trial: false }, online: true });
    expect(heardElsewhere).toEqual(heard);

    // Attributes merge; null removes one; the inbox shows the name.
    const [merged] = await Promise.all([updateProfile(c.visitorTab, { attributes: { seats: 13, trial: null, "company.id": "acme-1" } }), waitFor(c.agentTab, "visitor:updated")]);
    expect(unwrap(merged).profile.attributes).toEqual({ plan: "pro", seats: 13, "company.id": "acme-1" });
    const entry: AckResult<{ conversation: InboxEntry }> = await c.agentTab.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:get", { conversationId: c.conversationId });
    expect(unwrap(entry).conversation.peer.label).toBe("Grace Hopper");

    // Without a name, the email is what the agent reads; an empty value clears.
    const [cleared, afterClear] = await Promise.all([updateProfile(c.visitorTab, { name: "" }), waitFor<VisitorProfile>(c.agentTab, "visitor:updated")]);
    expect(unwrap(cleared).profile.name).toBeNull();
    expect(afterClear.displayName).toBe("grace@example.com");
    expect(unwrap(await getVisitor(c.agentTab, deviceId)).visitor).toMatchObject({ name: null, email: "grace@example.com", attributes: { plan: "pro", seats: 13, "company.id": "acme-1" } });
  });

  it("tells nobody when nothing changed", async () => {
    const c = await openChat(server, track);
    const [first] = await Promise.all([updateProfile(c.visitorTab, { name: "Ada" }), waitFor(c.agentTab, "visitor:updated")]);
    unwrap(first);
    const seen: unknown[] = [];
    untyped(c.agentTab).on("visitor:updated", (value: unknown) => void seen.push(value));
    unwrap(await updateProfile(c.visitorTab, { name: "Ada" }));
    await getVisitor(c.agentTab, c.visitor.visitor.deviceId); // a round trip: an update would have arrived first
    expect(seen).toEqual([]);
  });

  it("refuses what breaks the rules, changing nothing", async () => {
    const c = await openChat(server, track);
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    const refused = [
      { name: "x".repeat(81) },
      { email: "not an email" },
      { email: `${"a".repeat(250)}@example.com` },
      { attributes: { "bad key": 1 } },
      { attributes: { ["k".repeat(65)]: 1 } },
      { attributes: { long: "x".repeat(501) } },
      { attributes: { nested: { a: 1 } } },
      { attributes: { list: [1, 2] } },
      { attributes: tooMany },
      { name: "nul\u0000" },
      {},
      { unknown: "field" },
      "not an object",
    ];
    for (const input of refused) expect(await updateProfile(c.visitorTab, input), JSON.stringify(input).slice(0, 80)).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    // 50 is the limit of the merged whole, not of one update.
    unwrap(await updateProfile(c.visitorTab, { attributes: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])) }));
    expect(await updateProfile(c.visitorTab, { attributes: { one: "more" } })).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
    const stored = unwrap(await getVisitor(c.agentTab, c.visitor.visitor.deviceId)).visitor;
    expect(stored.name).toBeNull();
    expect(Object.keys(stored.attributes)).toHaveLength(50);
  });

  it("is for visitors only: an agent gets FORBIDDEN", async () => {
    const c = await openChat(server, track);
    expect(await updateProfile(c.agentTab, { name: "Not me" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
  });

  it("reaches every agent the visitor talks to", async () => {
    const c = await openChat(server, track);
    const second = await seedAgent(server.db, "Grace");
    const again = await identifyVisitor(server.url, second.deviceId, c.visitor.token); // the same browser on the second agent's widget
    expect(again.visitor.deviceId).toBe(c.visitor.visitor.deviceId);
    const secondTab = await connectAgent(server.url, second.cookie);
    track(secondTab);
    const [, first, other] = await Promise.all([
      updateProfile(c.visitorTab, { email: "both@example.com" }),
      waitFor<VisitorProfile>(c.agentTab, "visitor:updated"),
      waitFor<VisitorProfile>(secondTab, "visitor:updated"),
    ]);
    expect(first.email).toBe("both@example.com");
    expect(other.email).toBe("both@example.com");
  });
});
