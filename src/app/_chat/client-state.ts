"use client";

import { useCallback, useSyncExternalStore } from "react";
import type { ChatClient, ChatState } from "./chat-client.ts";

const EMPTY: ChatState = { connection: "connecting", inbox: {}, messages: {}, history: {}, outbox: [], uploads: [], peerTyping: {} };

/** A ChatClient's state as React state (empty until there is a client). Types only: no client code is pulled in. */
export function useClientState(client: ChatClient | null): ChatState {
  const subscribe = useCallback((listener: () => void) => client?.subscribe(listener) ?? (() => undefined), [client]);
  return useSyncExternalStore(subscribe, () => client?.getState() ?? EMPTY, () => EMPTY);
}
