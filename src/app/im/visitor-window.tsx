"use client";

import { useCallback, useEffect, useRef, useState, type CSSProperties } from "react";
import { ConnectionBanner } from "../_chat/connection-banner.tsx";
import { clientStore } from "../_chat/store.ts";
import { loadChatClient, useLazyChatClient } from "../_chat/use-lazy-chat.ts";
import { useT } from "../_i18n/i18n-provider.tsx";
import { widgetMessages } from "../_i18n/messages/widget.ts";
import type { PublicWidgetConfig, WidgetSettings } from "../../server/socket/contract.ts";
import { inkOn } from "./contrast.ts";
import { tellHost, useHostBridge } from "./host-bridge.ts";
import { looksLikeEmail } from "./email.ts";
import type { SaveProfile } from "./profile-forms.tsx";
import { WidgetHeader } from "./widget-header.tsx";

// The window's first load is its frame: header, connection banner and greeting. The conversation (its log,
// message box and files), the profile forms and the chat client come as chunks of their own, asked for as
// the window mounts, in parallel with its identity request, which is what the conversation waits for anyway.
type ChatParts = {
  ConversationView: typeof import("../_chat/conversation-view.tsx").ConversationView;
  PreChatForm: typeof import("./profile-forms.tsx").PreChatForm;
  OfflineEmail: typeof import("./profile-forms.tsx").OfflineEmail;
};
const loadChatParts = async (): Promise<ChatParts> => {
  const [{ ConversationView }, { PreChatForm, OfflineEmail }] = await Promise.all([
    import("../_chat/conversation-view.tsx"),
    import("./profile-forms.tsx"),
    loadChatClient(),
  ]);
  return { ConversationView, PreChatForm, OfflineEmail };
};

type Own = { name: string | null; email: string | null };
type VisitorSession = {
  visitor: { deviceId: string; label: string; userId: string | null } & Own;
  agent: PublicWidgetConfig["agent"];
  widget: WidgetSettings;
  online: boolean;
  conversationId: string;
  token: string;
};
type VerifiedUser = { userId: string; userHash: string };
const TOKEN_KEY = "parley.visitor.token";
const DEFAULT_WIDGET: WidgetSettings = { color: "#4f46e5", greeting: "", position: "right", offlineMessage: "", preChatForm: false };
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
 * even when it has expired, so a returning visitor keeps their history. Also tells where the visitor is:
 * the page, the time zone and the language.
 */
async function identify(agentId: string, page: string, referrer: string): Promise<VisitorSession> {
  const user = verifiedUser();
  const token = user ? undefined : (clientStore().get(TOKEN_KEY) ?? undefined);
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const response = await fetch("/api/visitors", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ agentId, token, page: page || undefined, referrer, timezone, locale: navigator.language.slice(0, 35), ...user }),
  });
  const reply = (await response.json()) as { ok: true; data: VisitorSession } | { ok: false; error: { message: string } };
  if (!reply.ok) throw new Error(reply.error.message);
  // An anonymous visitor's token is what makes the next visit the same visitor; a verified user's token is
  // never stored, so the site's next anonymous visitor on this browser cannot inherit that user's chats.
  if (!user) clientStore().set(TOKEN_KEY, reply.data.token);
  return reply.data;
}

/** /im?agent=<agent device ID>&page=<host page URL>&referrer=…, and the agent's widget for the first paint (null: no such agent). */
export type VisitorWindowProps = { agentId: string; page: string; referrer: string; initial: Omit<PublicWidgetConfig, "online"> | null };

export function VisitorWindow({ agentId, page, referrer, initial }: VisitorWindowProps) {
  const t = useT(widgetMessages);
  const [session, setSession] = useState<VisitorSession | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [own, setOwn] = useState<Own>({ name: null, email: null });
  const renewals = useRef<number[]>([]);
  const start = useCallback(() => {
    identify(agentId, page, referrer).then((found) => {
      setSession(found);
      setOwn({ name: found.visitor.name, email: found.visitor.email });
    }, (err: Error) => setError(err.message));
  }, [agentId, page, referrer]);
  useEffect(start, [start]);
  // Held as state, not React.lazy: the conversation then appears in the same render as the rest (no
  // suspended first render), so moving focus to its message box right after the pre-chat form still works.
  const [parts, setParts] = useState<ChatParts | null>(null);
  useEffect(() => {
    let live = true;
    loadChatParts().then(
      (loaded) => live && setParts(loaded),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, []);
  // The handshake refused the token (expired, say): renew it through POST /api/visitors with the stored
  // token, which keeps the same visitor and conversation; the new token makes a new client, which connects.
  const renew = useCallback(() => {
    const now = Date.now();
    renewals.current = [...renewals.current.filter((at) => now - at < 60_000), now];
    if (renewals.current.length > MAX_RENEWALS_PER_MINUTE) return setError(t("refused"));
    start();
  }, [start, t]);

  // `page` goes to the handshake too, which holds it to the agent's allowed origins.
  const { client, state } = useLazyChatClient(session && { deviceId: session.visitor.deviceId, auth: { token: session.token, ...(page && { page }) }, onUnauthenticated: renew });
  const conversationId = session?.conversationId;
  useEffect(() => {
    if (client && conversationId) void client.open(conversationId);
  }, [client, conversationId]);

  const { panelOpen, siteProfile } = useHostBridge();
  // Only an open panel reads messages; a frame made in the background leaves them unread (the launcher's badge).
  useEffect(() => client?.setShown(panelOpen), [client, panelOpen]);

  const summary = conversationId ? state.inbox[conversationId] : undefined;
  const unread = summary?.unread ?? 0;
  useEffect(() => tellHost({ type: "parley:unread", count: unread }), [unread]);

  const held = conversationId ? (state.messages[conversationId]?.length ?? 0) + state.outbox.filter((o) => o.conversationId === conversationId).length : 0;
  const hasMessages = held > 0 || (summary?.lastSeq ?? 0) > 0;
  // Once a message was sent or received, the loader makes this window on every page load, so replies reach the visitor.
  const flagged = useRef(false);
  useEffect(() => {
    if (!hasMessages || flagged.current) return;
    flagged.current = true;
    tellHost({ type: "parley:store", key: `parley.chat.${agentId}`, value: "1" });
  }, [hasMessages, agentId]);

  const saveProfile: SaveProfile = useCallback(
    async (profile) => {
      if (!client) throw new Error(t("notConnected"));
      try {
        const { profile: saved } = await client.request("visitor:update-profile", profile);
        setOwn({ name: saved.name, email: saved.email });
      } catch (err) {
        throw new Error((err as { code?: string }).code === "DISCONNECTED" ? t("notConnected") : (err as Error).message);
      }
    },
    [client, t],
  );

  // The site's window.Parley.setName/setEmail/setAttributes: sent once connected, again whenever they change.
  const connected = state.connection === "online";
  const sentProfile = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!client || !connected || !siteProfile) return;
    // An address the server would refuse would take the name and attributes down with it: it is dropped alone.
    const { email, ...rest } = siteProfile;
    const update = email === undefined || email === "" || looksLikeEmail(email) ? siteProfile : rest;
    const key = JSON.stringify(update);
    if (sentProfile.current === key || !Object.keys(update).length) return;
    sentProfile.current = key;
    client
      .request("visitor:update-profile", update)
      .then(({ profile }) => setOwn({ name: profile.name, email: profile.email }))
      .catch(() => {
        sentProfile.current = undefined; // tried again on the next connect
      });
  }, [client, connected, siteProfile]);

  // When the pre-chat form gives way to the chat, focus moves on to the message box instead of dropping to the page.
  const [focusComposer, setFocusComposer] = useState(false);
  useEffect(() => {
    if (!focusComposer) return;
    setFocusComposer(false);
    document.querySelector<HTMLTextAreaElement>("main textarea")?.focus();
  }, [focusComposer]);
  const savePreChat: SaveProfile = useCallback(
    async (profile) => {
      await saveProfile(profile);
      setFocusComposer(true);
    },
    [saveProfile],
  );

  const agent = session?.agent ?? initial?.agent;
  const widget = session?.widget ?? initial?.widget ?? DEFAULT_WIDGET;
  const online = summary?.peerOnline ?? session?.online ?? false;
  const ink = inkOn(widget.color);
  const colors = { "--widget": widget.color, "--widget-ink": ink, "--widget-shade": ink === "#ffffff" ? "#000000" : "#ffffff" } as CSSProperties;

  if (error) {
    return (
      <p className="p-6 text-sm text-red-700" role="alert">
        {t("unavailable", { reason: error })}
      </p>
    );
  }
  const name = own.name ?? siteProfile?.name ?? "";
  const siteEmail = siteProfile?.email && looksLikeEmail(siteProfile.email) ? siteProfile.email : "";
  const email = own.email ?? siteEmail;
  // Asked once, before the first message; a returning visitor with a conversation is never stopped by it.
  const wantsPreChat = widget.preChatForm && !(name && email) && !hasMessages;
  const isLoaded = summary !== undefined;
  const agentName = agent?.name ?? "";
  return (
    <main className="parley-widget flex h-full flex-col bg-slate-50" style={colors}>
      <WidgetHeader name={agentName} avatarUrl={agent?.avatarUrl ?? null} online={session ? online : null} offlineText={widget.offlineMessage || t("offlineDefault")} />
      <ConnectionBanner connection={session ? state.connection : "connecting"} />
      {session && client && parts && wantsPreChat && isLoaded && <parts.PreChatForm initial={{ name, email }} onSave={savePreChat} />}
      {session && client && parts && !wantsPreChat && (
        <>
          {!online && <parts.OfflineEmail email={own.email} onSave={saveProfile} />}
          {!hasMessages && (
            <div className="px-4 pt-4">
              <p className="max-w-[80%] whitespace-pre-wrap break-words rounded-2xl rounded-bl-md bg-white px-3.5 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-200">
                {widget.greeting || t("greetingDefault")}
              </p>
            </div>
          )}
          <parts.ConversationView
            client={client}
            state={state}
            conversationId={session.conversationId}
            peerLastReadSeq={summary?.peerLastReadSeq ?? 0}
            peerLabel={agentName}
            emptyText=""
            placeholder={t("placeholder")}
          />
        </>
      )}
    </main>
  );
}
