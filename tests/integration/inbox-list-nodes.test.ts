// The "online" filter of conversation:list asks the presence shared through Redis: a visitor connected to
// another node counts as online.
import { describe, expect, it } from "vitest";
import type { InboxEntry, PresenceChange } from "../../src/server/socket/contract.ts";
import { useTwoNodes } from "./two-nodes.ts";
import { ACK_TIMEOUT_MS, connectAgent, connectVisitor, identifyVisitor, seedAgent, send, unwrap, waitFor, type TestSocket } from "./support.ts";

const nodes = useTwoNodes();
const { track: tracked } = nodes;

const onlineIds = async (socket: TestSocket) => {
  const page = unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:list", { filter: "online" })) as { conversations: InboxEntry[] };
  return page.conversations.map((entry) => entry.id);
};

describe("conversation:list with the online filter on two nodes", () => {
  it("lists a visitor connected to the other node, and drops it once the visitor leaves", async () => {
    const agent = await seedAgent(nodes.db);
    const agentTab = await connectAgent(nodes.nodeB.url, agent.cookie);
    const [here, there] = await Promise.all([identifyVisitor(nodes.nodeA.url, agent.deviceId), identifyVisitor(nodes.nodeA.url, agent.deviceId)]);
    const [hereTab, thereTab] = await Promise.all([connectVisitor(nodes.nodeA.url, here.token), connectVisitor(nodes.nodeA.url, there.token)]);
    [agentTab, hereTab, thereTab].forEach(tracked);
    unwrap(await send(hereTab, here.conversationId, "on node A"));
    unwrap(await send(thereTab, there.conversationId, "also on node A"));
    expect((await onlineIds(agentTab)).sort()).toEqual([here.conversationId, there.conversationId].sort());

    const offline = waitFor<PresenceChange>(agentTab, "presence:changed", (change) => change.deviceId === there.visitor.deviceId && !change.online);
    thereTab.close();
    await offline;
    expect(await onlineIds(agentTab)).toEqual([here.conversationId]);
  });
});
