"use client";

import { useT } from "../_i18n/i18n-provider.tsx";
import { chatMessages } from "../_i18n/messages/chat.ts";
import type { ChatState } from "./chat-client.ts";

/** Says plainly when the link is down; messages written meanwhile wait in the outbox. */
export function ConnectionBanner({ connection }: { connection: ChatState["connection"] }) {
  const t = useT(chatMessages);
  if (connection === "online") return null;
  return (
    <p role="status" className="bg-amber-50 px-4 py-1.5 text-center text-xs font-medium text-amber-800">
      {connection === "connecting" ? t("connecting") : t("reconnecting")}
    </p>
  );
}
