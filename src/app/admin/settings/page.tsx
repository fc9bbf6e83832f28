import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { listCannedReplies } from "../../../core/canned/list-canned-replies.ts";
import { getAgentSettings } from "../../../core/identity/agent-settings.ts";
import { translate } from "../../_i18n/locale.ts";
import { settingsMessages } from "../../_i18n/messages/settings.ts";
import { requestLocale } from "../../_i18n/server-locale.ts";
import { db } from "../../_lib/server-context.ts";
import { currentAgent } from "../../auth.ts";
import { embedSnippet } from "../embed-snippet.ts";
import { SettingsForm } from "./settings-form.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: translate(settingsMessages, await requestLocale(), "pageTitle") };
}

export default async function SettingsPage() {
  const actor = await currentAgent();
  if (!actor) redirect("/admin/sign-in");
  const [settings, replies, snippet] = await Promise.all([getAgentSettings(db(), actor), listCannedReplies(db(), actor), embedSnippet(actor.deviceId)]);
  return <SettingsForm deviceId={actor.deviceId} initial={settings} initialReplies={replies} snippet={snippet} />;
}
