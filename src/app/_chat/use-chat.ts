"use client";

import { useEffect, useState } from "react";
import { ChatClient, type ChatClientOptions, type ChatState } from "./chat-client.ts";
import { useClientState } from "./client-state.ts";

/** One ChatClient for the component's lifetime (or until its options change), and its state as React state. */
export function useChatClient(options: ChatClientOptions | null): { client: ChatClient | null; state: ChatState } {
  const [client, setClient] = useState<ChatClient | null>(null);
  const deviceId = options?.deviceId;
  const token = options?.auth?.token;
  useEffect(() => {
    if (!options) return;
    const created = new ChatClient(options);
    setClient(created);
    return () => created.close();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- a new client only for a new identity
  }, [deviceId, token]);
  return { client, state: useClientState(client) };
}
