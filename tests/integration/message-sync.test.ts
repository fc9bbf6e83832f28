import { describe, expect, it } from "vitest";
import type { MessageView, SyncPage } from "../../src/server/socket/contract.ts";
import { ACK_TIMEOUT_MS, connectAgent, connectVisitor, openConversation, send, unwrap, useServer, waitFor, type TestSocket } from "./support.ts";

const { server, track } = useServer();

const syncPage = async (socket: TestSocket, conversationId: string, afterSeq: number, limit?: number): Promise<SyncPage> =>
  unwrap(await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("message:sync", { conversationId, afterSeq, limit }));

/** What a client does on reconnect: page from the last seq it holds until hasMore is false. */
async function syncAll(socket: TestSocket, conversationId: string, afterSeq: number, limit: number) {
  const pages: SyncPage[] = [];
  let lastHeld = afterSeq;
  for (let hasMore = true; hasMore; ) {
    const page = await syncPage(socket, conversationId, lastHeld, limit);
    pages.push(page);
    lastHeld = page.messages.at(-1)?.seq ?? lastHeld;
    hasMore = page.hasMore;
  }
  return pages;
}

describe("reconnect sync", () => {
  it("gives a client that was away exactly the messages it missed, in order, over several pages", async () => {
    const { agent, visitor, conversationId } = await openConversation(server);
    const agentTab = await connectAgent(server.url, agent.cookie);
    let visitorTab = await connectVisitor(server.url, visitor.token);
    track(agentTab, visitorTab);
    const [, seen] = await Promise.all([send(agentTab, conversationId, "welcome"), waitFor<MessageView>(visitorTab, "message:sent")]);
    const lastHeld = seen.seq;

    const gone = waitFor(visitorTab, "disconnect");
    visitorTab.close();
    await gone;
    const missed: MessageView[] = [];
    for (let i = 1; i <= 25; i++) missed.push(unwrap(await send(agentTab, conversationId, `while you were away ${i}`)).message);

    visitorTab = await connectVisitor(server.url, visitor.token);
    track(visitorTab);
    const pages = await syncAll(visitorTab, conversationId, lastHeld, 10);

    expect(pages.map((page) => [page.messages.length, page.hasMore])).toEqual([
      [10, true],
      [10, true],
      [5, false],
    ]);
    expect(pages.flatMap((page) => page.messages)).toEqual(missed);
    expect(pages.flatMap((page) => page.messages).map((message) => message.seq)).toEqual(missed.map((_, i) => lastHeld + 1 + i));
    expect(pages.every((page) => page.lastSeq === 26)).toBe(true);
  });

  it("answers an empty page without hasMore when the client is up to date", async () => {
    const { agent, visitor, conversationId } = await openConversation(server);
    const agentTab = await connectAgent(server.url, agent.cookie);
    track(agentTab);
    unwrap(await send(agentTab, conversationId, "one"));
    const visitorTab = await connectVisitor(server.url, visitor.token);
    track(visitorTab);
    expect(await syncPage(visitorTab, conversationId, 1)).toEqual({ messages: [], hasMore: false, lastSeq: 1 });
  });

  it("gives the whole history from seq 0, to a new tab or the agent", async () => {
    const { agent, visitor, conversationId } = await openConversation(server);
    const visitorTab = await connectVisitor(server.url, visitor.token);
    track(visitorTab);
    const sent = [unwrap(await send(visitorTab, conversationId, "a")).message, unwrap(await send(visitorTab, conversationId, "b")).message];
    const agentTab = await connectAgent(server.url, agent.cookie);
    track(agentTab);
    expect(await syncPage(agentTab, conversationId, 0)).toEqual({ messages: sent, hasMore: false, lastSeq: 2 });
  });
});
