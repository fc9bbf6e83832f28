// The "online" filter of conversation:list asks the presence shared through Redis: a visitor connected to
// another node counts as online.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/core/db.ts";
import type { InboxEntry, PresenceChange } from "../../src/server/socket/contract.ts";
import { startTwoNodes, useCluster, type NodeProcess } from "./cluster.ts";
import { ACK_TIMEOUT_MS, closeAll, connectAgent, connectVisitor, identifyVisitor, seedAgent, send, unwrap, waitFor, type TestSocket } from "./support.ts";

const cluster = useCluster();
let db: Db;
let nodeA: NodeProcess;
let nodeB: NodeProcess;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  ({ db, nodeA, nodeB } = await startTwoNodes(cluster));
}, 30_000);

afterAll(async () => {
  closeAll(...sockets);
  await db?.$disconnect();
});

const onlineIds = async (socket: TestSocket) => {
  const page = unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("conversation:list", { filter: "online" })) as { conversations: InboxEntry[] };
  return page.conversations.map((entry) => entry.id);
};

describe("conversation:list with the online filter on two nodes", () => {
  it("lists a visitor connected to the other node, and drops it once the visitor leaves", async () => {
    const agent = await seedAgent(db);
    const agentTab = await connectAgent(nodeB.url, agent.cookie);
    const [here, there] = await Promise.all([identifyVisitor(nodeA.url, agent.deviceId), identifyVisitor(nodeA.url, agent.deviceId)]);
    const [hereTab, thereTab] = await Promise.all([connectVisitor(nodeA.url, here.token), connectVisitor(nodeA.url, there.token)]);
    sockets.push(agentTab, hereTab, thereTab);
    unwrap(await send(hereTab, here.conversationId, "on node A"));
    unwrap(await send(thereTab, there.conversationId, "also on node A"));
    expect((await onlineIds(agentTab)).sort()).toEqual([here.conversationId, there.conversationId].sort());

    const offline = waitFor<PresenceChange>(agentTab, "presence:changed", (change) => change.deviceId === there.visitor.deviceId && !change.online);
    thereTab.close();
    await offline;
    expect(await onlineIds(agentTab)).toEqual([here.conversationId]);
  });
});
