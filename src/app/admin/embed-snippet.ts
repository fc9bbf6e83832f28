import "server-only";
import { headers } from "next/headers";
import { serverConfig } from "../_lib/server-context.ts";

/** The origin visitors' browsers load the widget from: PUBLIC_URL, else the address this page was asked at. */
async function publicOrigin(): Promise<string> {
  const configured = serverConfig().PUBLIC_URL;
  if (configured) return new URL(configured).origin;
  const h = await headers();
  return `${h.get("x-forwarded-proto") ?? "http"}://${h.get("x-forwarded-host") ?? h.get("host")}`;
}

/** The `<script>` tag that puts this agent's widget on a site. */
export async function embedSnippet(agentDeviceId: string): Promise<string> {
  return `<script src="${await publicOrigin()}/widget.js" data-agent="${agentDeviceId}" async></script>`;
}
