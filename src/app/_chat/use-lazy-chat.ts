"use client";

import { useEffect, useState } from "react";
import type { ChatClient, ChatClientOptions, ChatState } from "./chat-client.ts";
import { useClientState } from "./client-state.ts";

/**
 * The ChatClient module (Socket.IO's client and the protocol) as a chunk of its own, fetched on demand: the
 * visitor window asks for it when it mounts, alongside its identity request, so it is off the page's first load
 * without delaying the connection (which waits for that identity anyway).
 */
export const loadChatClient = () => import("./chat-client.ts");

/** useChatClient (./use-chat.ts) with the ChatClient module loaded by loadChatClient instead of with the page. */
export function useLazyChatClient(options: ChatClientOptions | null): { client: ChatClient | null; state: ChatState } {
  const [client, setClient] = useState<ChatClient | null>(null);
  const deviceId = options?.deviceId;
  const token = options?.auth?.token;
  useEffect(() => {
    if (!options) return;
    let created: ChatClient | undefined;
    let cancelled = false;
    loadChatClient().then(
      ({ ChatClient }) => {
        if (cancelled) return;
        created = new ChatClient(options);
        setClient(created);
      },
      () => undefined, // the client stays null; the caller, which asks for the same chunk, says why
    );
    return () => {
      cancelled = true;
      created?.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new client only for a new identity
  }, [deviceId, token]);
  return { client, state: useClientState(client) };
}
