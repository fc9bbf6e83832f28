import type { Metadata } from "next";
import { VisitorWindow } from "./visitor-window.tsx";

export const metadata: Metadata = { title: "Chat" };

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

/** The visitor window, loaded in the widget's iframe: /im?agent=<agent device ID>&page=<host page URL>. */
export default async function ImPage({ searchParams }: { searchParams: Search }) {
  const params = await searchParams;
  return <VisitorWindow agentId={one(params.agent)} page={one(params.page)} referrer={one(params.referrer)} />;
}
