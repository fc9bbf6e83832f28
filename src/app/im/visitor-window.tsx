"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { ConnectionBanner } from "../_chat/connection-banner.tsx";
import { ConversationView } from "../_chat/conversation-view.tsx";
import { clientStore } from "../_chat/store.ts";
import { useChatClient } from "../_chat/use-chat.ts";

type VisitorSession = { visitor: { deviceId: string; label: string; userId: string | null }; agent: { deviceId: string; name: string }; conversationId: string; token: string };
type VerifiedUser = { userId: string; userHash: string };
const TOKEN_KEY = "parley.visitor.token";
// A handshake refused again right after a renewal is not an expired token: stop instead of looping.
const MAX_RENEWALS_PER_MINUTE = 3;

/**
 * The site's signed-in user, from the loader (data-user-id, data-user-hash). It rides in the URL fragment,
 * which browsers never send to a server, so it stays out of access logs and Referer headers.
 */
function verifiedUser(): VerifiedUser | undefined {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const userId = fragment.get("userId");
  const userHash = fragment.get("userHash");
  return userId && userHash ? { userId, userHash } : undefined;
}

/**
 * This browser's visitor identity and conversation with the agent: a verified user's from their ID and
 * hash (the same on every device; nothing is stored), otherwise the stored token's, which the server renews
 * even when it has expired, so a returning visitor keeps their history.
 */
async function identify(agentId: string, page: string, referrer: string): Promise<VisitorSession> {
  const user = verifiedUser();
  const token = user ? undefined : (clientStore().get(TOKEN_KEY) ?? undefined);
  const response = await fetch("/api/visitors", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ agentId, token, page: page || undefined, referrer, ...user }),
  });
  const reply = (await response.json()) as { ok: true; data: VisitorSession } | { ok: false; error: { message: string } };
  if (!reply.ok) throw new Error(reply.error.message);
  // An anonymous visitor's token is what makes the next visit the same visitor; a verified user's token is
  // never stored, so the site's next anonymous visitor on this browser cannot inherit that user's chats.
  if (!user) clientStore().set(TOKEN_KEY, reply.data.token);
  return reply.data;
}

export function VisitorWindow({ agentId, page, referrer }: { agentId: string; page: string; referrer: string }) {
  const [session, setSession] = useState<VisitorSession | null>(null);
  const [error, setError] = useState<string | null>(null);
  const renewals = useRef<number[]>([]);
  const start = useCallback(() => {
    identify(agentId, page, referrer).then(setSession, (err: Error) => setError(err.message));
  }, [agentId, page, referrer]);
  useEffect(start, [start]);
  // The handshake refused the token (expired, say): renew it through POST /api/visitors with the stored
  // token, which keeps the same visitor and conversation; the new token makes a new client, which connects.
  const renew = useCallback(() => {
    const now = Date.now();
    renewals.current = [...renewals.current.filter((at) => now - at < 60_000), now];
    if (renewals.current.length > MAX_RENEWALS_PER_MINUTE) return setError("the connection was refused. Reload the page to try again.");
    start();
  }, [start]);

  // `page` goes to the handshake too, which holds it to the agent's allowed origins.
  const { client, state } = useChatClient(session && { deviceId: session.visitor.deviceId, auth: { token: session.token, ...(page && { page }) }, onUnauthenticated: renew });
  const conversationId = session?.conversationId;
  useEffect(() => {
    if (client && conversationId) void client.open(conversationId);
  }, [client, conversationId]);

  const summary = conversationId ? state.inbox[conversationId] : undefined;
  const unread = summary?.unread ?? 0;
  useEffect(() => {
    window.parent.postMessage({ type: "parley:unread", count: unread }, "*");
  }, [unread]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === "Escape" && window.parent.postMessage({ type: "parley:close" }, "*");
    // The widget's loader says when its panel opens and closes; only an open panel reads messages.
    const onMessage = (event: MessageEvent) => {
      if (event.source === window.parent && event.data?.type === "parley:panel") client?.setShown(event.data.open === true);
    };
    window.addEventListener("keydown", onKey);
    window.addEventListener("message", onMessage);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("message", onMessage);
    };
  }, [client]);

  if (error) return <p className="p-6 text-sm text-red-700" role="alert">This chat is unavailable: {error}</p>;
  const agentName = session?.agent.name ?? "";
  return (
    <main className="flex h-full flex-col bg-slate-50">
      <header className="flex items-center gap-3 bg-brand-600 px-4 py-3 text-white">
        <span aria-hidden className="flex h-9 w-9 items-center justify-center rounded-full bg-white/20 font-semibold">
          {agentName.slice(0, 1).toUpperCase()}
        </span>
        <div>
          <h1 className="text-sm font-semibold">{agentName || "Chat"}</h1>
          <p className="text-xs text-white/80">{summary?.peerOnline ? "Online" : "We'll reply as soon as we can"}</p>
        </div>
      </header>
      <ConnectionBanner connection={session ? state.connection : "connecting"} />
      {session && client && (
        <ConversationView
          client={client}
          state={state}
          conversationId={session.conversationId}
          peerLastReadSeq={summary?.peerLastReadSeq ?? 0}
          peerLabel={agentName}
          emptyText="Hi! How can we help? Write us a message."
          placeholder="Write a message…"
        />
      )}
    </main>
  );
}
