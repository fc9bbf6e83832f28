import { describe, expect, it } from "vitest";
import { newDeviceId } from "../../src/core/ids.ts";
import type { InboxEntry, InboxFilter, PresenceChange } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectAgent, connectVisitor, emitAny, identifyVisitor, seedAgent, send, unwrap, useServer, waitFor, type TestSocket } from "./support.ts";

const { server, track } = useServer();

type Page = { conversations: InboxEntry[]; nextCursor: string | null };
type ListInput = { limit?: number; filter?: InboxFilter; query?: string; cursor?: string };

const list = async (socket: TestSocket, input: ListInput = {}): Promise<Page> => unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:list", input)) as Page;
const ids = (page: Page) => page.conversations.map((entry) => entry.id);

/** Every page, following nextCursor, as one list. */
async function listAll(socket: TestSocket, input: ListInput): Promise<string[]> {
  const all: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(socket, { ...input, ...(cursor && { cursor }) });
    expect(page.conversations.length).toBeLessThanOrEqual(input.limit ?? 50);
    all.push(...ids(page));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

type VisitorSpec = { bodies: string[]; name?: string; email?: string };

/**
 * An agent whose visitors each wrote their `bodies`, in order; the last visitor's conversation has the
 * newest activity. Visitor tabs stay connected (the "online" filter needs them) until a test closes one.
 */
async function inboxOf(specs: VisitorSpec[]) {
  const agent = await seedAgent(server.db);
  const agentTab = await connectAgent(server.url, agent.cookie);
  track(agentTab);
  const visitors = [];
  const base = Date.now() - 60_000;
  for (const [i, spec] of specs.entries()) {
    const session = await identifyVisitor(server.url, agent.deviceId);
    if (spec.name || spec.email) await server.db.device.update({ where: { id: session.visitor.deviceId }, data: { name: spec.name ?? null, email: spec.email ?? null } });
    const tab = await connectVisitor(server.url, session.token);
    track(tab);
    for (const body of spec.bodies) unwrap(await send(tab, session.conversationId, body));
    // Sends a few ms apart may share a millisecond: spread them so the expected order is certain.
    await server.db.conversation.update({ where: { id: session.conversationId }, data: { lastMessageAt: new Date(base + i * 1000) } });
    visitors.push({ ...session, tab, conversationId: session.conversationId, deviceId: session.visitor.deviceId });
  }
  return { agent, agentTab, visitors, newestFirst: visitors.map((v) => v.conversationId).reverse() };
}

describe("conversation:list paging", () => {
  it("pages newest first with a cursor, without duplicates or gaps, also across equal times", async () => {
    const inbox = await inboxOf(Array.from({ length: 7 }, (_, i) => ({ bodies: [`hello ${i}`] })));
    // Three conversations with the very same lastMessageAt: the id breaks the tie, so pages still split cleanly.
    const same = new Date(Date.now() - 30_000);
    const tied = inbox.visitors.slice(2, 5).map((v) => v.conversationId);
    await server.db.conversation.updateMany({ where: { id: { in: tied } }, data: { lastMessageAt: same } });
    const expected = await list(inbox.agentTab, { limit: 100 });
    expect(expected.nextCursor).toBeNull();
    expect(ids(expected)).toHaveLength(7);
    const times = expected.conversations.map((entry) => entry.lastMessageAt);
    expect([...times].sort().reverse()).toEqual(times);

    for (const limit of [1, 2, 3, 7]) expect(await listAll(inbox.agentTab, { limit })).toEqual(ids(expected));
    const first = await list(inbox.agentTab, { limit: 7 });
    expect(first.nextCursor).toBeNull(); // exactly one page: no cursor to an empty one
  });

  it("does not repeat a conversation that moves to the top while an agent pages", async () => {
    const inbox = await inboxOf(Array.from({ length: 5 }, (_, i) => ({ bodies: [`hi ${i}`] })));
    const first = await list(inbox.agentTab, { limit: 2 });
    expect(ids(first)).toEqual(inbox.newestFirst.slice(0, 2));
    const oldest = inbox.visitors[0]!;
    unwrap(await send(oldest.tab, oldest.conversationId, "still there?")); // now the newest: the live events bring it
    const rest = await listAll(inbox.agentTab, { limit: 2, cursor: first.nextCursor! });
    expect(rest).toEqual(inbox.newestFirst.slice(2, 4));
    expect(ids(await list(inbox.agentTab, { limit: 1 }))).toEqual([oldest.conversationId]);
  });

  it("returns at most 50 conversations by default", async () => {
    const agent = await seedAgent(server.db);
    const visitorIds = Array.from({ length: 51 }, () => newDeviceId());
    await server.db.device.createMany({ data: visitorIds.map((id, i) => ({ id, kind: "VISITOR" as const, label: `Seeded ${i}` })) });
    await server.db.conversation.createMany({ data: visitorIds.map((id) => ({ id: id + agent.deviceId, visitorDeviceId: id, agentDeviceId: agent.deviceId, lastSeq: 1 })) });
    const agentTab = await connectAgent(server.url, agent.cookie);
    track(agentTab);
    const page = await list(agentTab);
    expect(page.conversations).toHaveLength(50);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(ids(await list(agentTab, { cursor: page.nextCursor! }))).toHaveLength(1);
    expect(ids(await list(agentTab, { limit: 100 }))).toHaveLength(51);
  });
});

describe("conversation:list filters", () => {
  it("lists open, resolved, unread and online conversations", async () => {
    const inbox = await inboxOf([{ bodies: ["a"] }, { bodies: ["b"] }, { bodies: ["c"] }, { bodies: ["d"] }]);
    const [a, b, c, d] = inbox.visitors.map((v) => v.conversationId) as [string, string, string, string];
    unwrap(await inbox.agentTab.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:resolve", { conversationId: b }));
    unwrap(await inbox.agentTab.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:mark-read", { conversationId: c, seq: 1 }));
    unwrap(await send(inbox.agentTab, d, "a reply counts as read up to it"));
    const gone = inbox.visitors[0]!;
    const offline = waitFor<PresenceChange>(inbox.agentTab, "presence:changed", (change) => change.deviceId === gone.deviceId && !change.online);
    gone.tab.close();
    await offline;

    expect(ids(await list(inbox.agentTab, { filter: "all" }))).toEqual([d, c, b, a]);
    expect(ids(await list(inbox.agentTab, { filter: "open" }))).toEqual([d, c, a]);
    expect(ids(await list(inbox.agentTab, { filter: "resolved" }))).toEqual([b]);
    expect(ids(await list(inbox.agentTab, { filter: "unread" }))).toEqual([b, a]);
    const online = await list(inbox.agentTab, { filter: "online" });
    expect(ids(online)).toEqual([d, c, b]);
    expect(online.conversations.every((entry) => entry.peerOnline)).toBe(true);
    expect(await listAll(inbox.agentTab, { filter: "online", limit: 1 })).toEqual([d, c, b]);
  });

  it("answers the online filter with an empty page when no visitor is connected", async () => {
    const inbox = await inboxOf([{ bodies: ["bye"] }]);
    const only = inbox.visitors[0]!;
    const offline = waitFor<PresenceChange>(inbox.agentTab, "presence:changed", (change) => change.deviceId === only.deviceId && !change.online);
    only.tab.close();
    await offline;
    expect(await list(inbox.agentTab, { filter: "online" })).toEqual({ conversations: [], nextCursor: null });
  });
});

describe("conversation:list search", () => {
  const specs: VisitorSpec[] = [
    { bodies: ["Where is my order?", "It was order 5000"], name: "Grace Hopper", email: "grace@navy.example" },
    { bodies: ["Is there a 50% discount?", "thanks"], name: "Alan Turing" },
    { bodies: ["my file is called report_v2.pdf"], email: "ada@lovelace.example" },
    { bodies: ["nothing special here"] },
  ];

  it("matches the visitor's name and email, case-insensitively, with no message match", async () => {
    const inbox = await inboxOf(specs);
    const [grace, alan, ada] = inbox.visitors.map((v) => v.conversationId);
    const byName = await list(inbox.agentTab, { query: "  hOPPER " });
    expect(ids(byName)).toEqual([grace]);
    expect(byName.conversations[0]!.match).toBeUndefined();
    expect(ids(await list(inbox.agentTab, { query: "LOVELACE.example" }))).toEqual([ada]);
    expect(ids(await list(inbox.agentTab, { query: "turing" }))).toEqual([alan]);
  });

  it("matches the visitor's label", async () => {
    const inbox = await inboxOf(specs);
    const last = inbox.visitors[3]!;
    expect(ids(await list(inbox.agentTab, { query: last.visitor.label.toUpperCase() }))).toContain(last.conversationId);
  });

  it("matches message text and carries the newest matching message", async () => {
    const inbox = await inboxOf(specs);
    const grace = inbox.visitors[0]!.conversationId;
    const found = await list(inbox.agentTab, { query: "ORDER" });
    expect(ids(found)).toEqual([grace]);
    expect(found.conversations[0]!.match).toEqual({ seq: 2, body: "It was order 5000" });
  });

  it("takes % and _ literally", async () => {
    const inbox = await inboxOf(specs);
    const [, alan, ada] = inbox.visitors.map((v) => v.conversationId);
    const percent = await list(inbox.agentTab, { query: "50%" });
    expect(ids(percent)).toEqual([alan]); // not "5000": % is not a wildcard
    expect(percent.conversations[0]!.match).toEqual({ seq: 1, body: "Is there a 50% discount?" });
    expect(ids(await list(inbox.agentTab, { query: "t_v2" }))).toEqual([ada]);
    expect(ids(await list(inbox.agentTab, { query: "report_" }))).toEqual([ada]);
    expect(ids(await list(inbox.agentTab, { query: "order_5000" }))).toEqual([]); // not "order 5000": _ is not a wildcard
    expect(ids(await list(inbox.agentTab, { query: "%" }))).toEqual([alan]);
    expect(ids(await list(inbox.agentTab, { query: "\\" }))).toEqual([]);
    expect(ids(await list(inbox.agentTab, { query: "order 5_00" }))).toEqual([]);
  });

  it("combines a query with a filter and pages through the results", async () => {
    const inbox = await inboxOf([...specs, { bodies: ["another order question"] }, { bodies: ["order #3"] }]);
    const [grace, , , , another, third] = inbox.visitors.map((v) => v.conversationId);
    unwrap(await inbox.agentTab.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:resolve", { conversationId: another! }));
    expect(await listAll(inbox.agentTab, { query: "order", limit: 1 })).toEqual([third, another, grace]);
    expect(ids(await list(inbox.agentTab, { query: "order", filter: "resolved" }))).toEqual([another]);
    expect(ids(await list(inbox.agentTab, { query: "order", filter: "open" }))).toEqual([third, grace]);
  });

  it("treats an empty or blank query as no query", async () => {
    const inbox = await inboxOf(specs);
    expect(ids(await list(inbox.agentTab, { query: "   " }))).toEqual(inbox.newestFirst);
    expect(ids(await list(inbox.agentTab, { query: "" }))).toEqual(inbox.newestFirst);
  });

  it("finds only the agent's own conversations", async () => {
    const mine = await inboxOf([{ bodies: ["unique-needle-7f3a"] }]);
    const theirs = await inboxOf([{ bodies: ["unique-needle-7f3a"] }]);
    expect(ids(await list(mine.agentTab, { query: "unique-needle-7f3a" }))).toEqual([mine.visitors[0]!.conversationId]);
    expect(ids(await list(theirs.agentTab, { query: "unique-needle-7f3a" }))).toEqual([theirs.visitors[0]!.conversationId]);
  });
});

describe("conversation:list for visitors", () => {
  it("still lists a visitor's own conversations, empty ones too, in one page", async () => {
    const agent = await seedAgent(server.db);
    const session = await identifyVisitor(server.url, agent.deviceId);
    const tab = await connectVisitor(server.url, session.token);
    track(tab);
    const empty = await list(tab);
    expect(empty).toMatchObject({ conversations: [{ id: session.conversationId, lastSeq: 0, peer: { kind: "agent", label: agent.name } }], nextCursor: null });
    unwrap(await send(tab, session.conversationId, "hi"));
    expect(await emitAny(tab, "conversation:list", undefined)).toMatchObject({ ok: true, data: { conversations: [{ id: session.conversationId, lastSeq: 1, unread: 0 }], nextCursor: null } });
  });
});

describe("conversation:list input", () => {
  it.each([
    ["a limit of 0", { limit: 0 }],
    ["a limit over 100", { limit: 101 }],
    ["a fractional limit", { limit: 2.5 }],
    ["an unknown filter", { filter: "starred" }],
    ["a filter of the wrong type", { filter: 1 }],
    ["a query over 200 characters", { query: "x".repeat(201) }],
    ["a query that is not a string", { query: ["order"] }],
    ["a made-up cursor", { cursor: "not-a-cursor" }],
    ["a cursor of the wrong type", { cursor: 42 }],
    ["a cursor with a bad id", { cursor: Buffer.from(`1700000000000.${"z".repeat(64)}`).toString("base64url") }],
  ])("refuses %s with BAD_INPUT", async (_, payload) => {
    const agent = await seedAgent(server.db);
    const tab = await connectAgent(server.url, agent.cookie);
    track(tab);
    expect(await emitAny(tab, "conversation:list", payload)).toMatchObject({ ok: false, error: { code: "BAD_INPUT" } });
  });

  it("accepts a query of exactly 200 characters after trimming", async () => {
    const agent = await seedAgent(server.db);
    const tab = await connectAgent(server.url, agent.cookie);
    track(tab);
    expect(await emitAny(tab, "conversation:list", { query: ` ${"y".repeat(200)} ` })).toEqual({ ok: true, data: { conversations: [], nextCursor: null } });
  });
});
