"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import type { CannedReply } from "../../server/socket/contract.ts";
import type { ChatClient } from "../_chat/chat-client.ts";

const NONE: readonly CannedReply[] = [];

/**
 * The agent's saved replies for the message box: loaded on every (re)connect and whenever the tab comes back
 * into view, so replies added on the settings page in another tab are offered without a reload.
 */
export function useCannedReplies(client: ChatClient | null): readonly CannedReply[] {
  const [replies, setReplies] = useState(NONE);
  const connection = useSyncExternalStore(
    (listener) => client?.subscribe(listener) ?? (() => undefined),
    () => client?.getState().connection ?? "connecting",
    () => "connecting" as const,
  );
  useEffect(() => {
    if (!client || connection !== "online") return;
    let isCurrent = true;
    const load = () =>
      client.request("canned:list", {}).then(
        ({ replies: loaded }) => isCurrent && setReplies(loaded),
        () => undefined, // offline again: the next connect loads them
      );
    const onVisible = () => document.visibilityState === "visible" && void load();
    void load();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      isCurrent = false;
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [client, connection]);
  return replies;
}
