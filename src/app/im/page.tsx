import type { Metadata } from "next";
import { agentWidget } from "../../core/identity/public-widget-config.ts";
import { deviceIdSchema } from "../../core/ids.ts";
import { db } from "../_lib/server-context.ts";
import { VisitorWindow } from "./visitor-window.tsx";
import "./widget.css";

export const metadata: Metadata = { title: "Chat" };

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

/** The visitor window, loaded in the widget's iframe: /im?agent=<agent device ID>&page=<host page URL>. */
export default async function ImPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  const agentId = deviceIdSchema.safeParse(one(params.agent));
  // The widget's looks in the first paint, so the window never flashes in the default colour; an unknown
  // agent gets its explanation from POST /api/visitors, like any other refusal.
  const initial = agentId.success ? await agentWidget(db(), agentId.data) : null;
  return <VisitorWindow agentId={one(params.agent)} page={one(params.page)} referrer={one(params.referrer)} initial={initial} />;
}
