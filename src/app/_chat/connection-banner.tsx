import type { ChatState } from "./chat-client.ts";

/** Says plainly when the link is down; messages written meanwhile wait in the outbox. */
export function ConnectionBanner({ connection }: { connection: ChatState["connection"] }) {
  if (connection === "online") return null;
  return (
    <p role="status" className="bg-amber-50 px-4 py-1.5 text-center text-xs font-medium text-amber-800">
      {connection === "connecting" ? "Connecting…" : "Reconnecting… messages you write will be sent when the connection is back."}
    </p>
  );
}
