import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { db, serverConfig } from "../_lib/server-context.ts";
import { currentAgent } from "../auth.ts";
import { Console } from "./console.tsx";

export const metadata = { title: "Inbox · Parley" };

/** The origin visitors' browsers load the widget from: PUBLIC_URL, else the address this page was asked at. */
async function publicOrigin(): Promise<string> {
  const configured = serverConfig().PUBLIC_URL;
  if (configured) return new URL(configured).origin;
  const h = await headers();
  return `${h.get("x-forwarded-proto") ?? "http"}://${h.get("x-forwarded-host") ?? h.get("host")}`;
}

export default async function AdminPage() {
  const actor = await currentAgent();
  if (!actor) redirect("/admin/sign-in");
  const agent = await db().agent.findUniqueOrThrow({ where: { id: actor.agentId }, select: { name: true, deviceId: true, email: true, phone: true, identitySecret: true } });
  const snippet = `<script src="${await publicOrigin()}/widget.js" data-agent="${agent.deviceId}" async></script>`;
  return <Console agent={{ deviceId: agent.deviceId, name: agent.name, identifier: agent.email ?? agent.phone ?? "" }} snippet={snippet} identitySecret={agent.identitySecret} />;
}
