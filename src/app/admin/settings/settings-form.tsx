"use client";

import Link from "next/link";
import { useMemo, useState, type FormEvent } from "react";
import { allowedOriginsSchema } from "../../../core/identity/allowed-origins.ts";
import type { AgentSettings, CannedReply, WidgetSettings } from "../../../server/socket/contract.ts";
import { AckError } from "../../_chat/chat-client.ts";
import { ConnectionBanner } from "../../_chat/connection-banner.tsx";
import { useChatClient } from "../../_chat/use-chat.ts";
import { useT } from "../../_i18n/i18n-provider.tsx";
import { settingsMessages } from "../../_i18n/messages/settings.ts";
import { Snippet } from "../snippet.tsx";
import { AvatarField, secondaryButton } from "./avatar-field.tsx";
import { CannedManager } from "./canned-manager.tsx";
import { Field, inputClass, primaryButton, Section } from "./section.tsx";
import { WidgetPreview } from "./widget-preview.tsx";

type Props = { deviceId: string; initial: AgentSettings; initialReplies: CannedReply[]; snippet: string };
type Draft = { name: string; hex: string; widget: WidgetSettings; origins: string };
type SaveState = { kind: "idle" | "saving" | "saved" } | { kind: "failed"; message: string };

const HEX = /^#?([0-9a-fA-F]{6})$/;
const draftOf = (settings: AgentSettings): Draft => ({ name: settings.name, hex: settings.widget.color, widget: settings.widget, origins: settings.allowedOrigins.join("\n") });

/** The origins typed one per line, checked by the server's own rules; errors by line number (1-based). */
function parseOrigins(text: string): { origins: string[]; errors: { line: number; message: string }[] } {
  const lines = text.split("\n").map((line, index) => ({ value: line.trim(), line: index + 1 })).filter((entry) => entry.value);
  const parsed = allowedOriginsSchema.safeParse(lines.map((entry) => entry.value));
  if (parsed.success) return { origins: parsed.data, errors: [] };
  const errors = parsed.error.issues.map((issue) => {
    const index = typeof issue.path[0] === "number" ? issue.path[0] : -1;
    return { line: lines[index]?.line ?? 0, message: issue.message };
  });
  return { origins: [], errors };
}

/** Settings: the agent's name and photo, the widget's looks with a live preview, security, saved replies, the snippet. */
export function SettingsForm({ deviceId, initial, initialReplies, snippet }: Props) {
  const t = useT(settingsMessages);
  const { client, state } = useChatClient(useMemo(() => ({ deviceId }), [deviceId]));
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState(() => draftOf(initial));
  const [avatarUrl, setAvatarUrl] = useState(initial.avatarUrl);
  const [previewOffline, setPreviewOffline] = useState(false);
  const [saveState, setSaveState] = useState<SaveState>({ kind: "idle" });
  const [showErrors, setShowErrors] = useState(false);
  const [rotate, setRotate] = useState<"idle" | "confirm" | "busy" | "done">("idle");

  const setWidget = (patch: Partial<WidgetSettings>) => setDraft((d) => ({ ...d, widget: { ...d.widget, ...patch } }));
  const origins = parseOrigins(draft.origins);
  const nameMissing = !draft.name.trim();
  const hexInvalid = !HEX.test(draft.hex);
  const isDirty = JSON.stringify(draftOf(saved)) !== JSON.stringify({ ...draft, hex: draft.widget.color });

  const request = async <T,>(run: () => Promise<T>): Promise<T> => {
    if (!client) throw new AckError("DISCONNECTED", t("notConnected"));
    try {
      return await run();
    } catch (err) {
      if (err instanceof AckError && (err.code === "DISCONNECTED" || err.code === "TIMEOUT")) throw new AckError(err.code, t("notConnected"));
      throw err;
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (nameMissing || hexInvalid || origins.errors.length) return;
    setSaveState({ kind: "saving" });
    try {
      const { settings } = await request(() =>
        client!.request("agent:update-settings", { name: draft.name.trim(), widget: draft.widget, allowedOrigins: origins.origins }),
      );
      setSaved(settings);
      setDraft(draftOf(settings)); // as stored: trimmed, origins normalised
      setShowErrors(false);
      setSaveState({ kind: "saved" });
    } catch (err) {
      setSaveState({ kind: "failed", message: (err as Error).message });
    }
  };

  const rotateSecret = async () => {
    setRotate("busy");
    try {
      const { settings } = await request(() => client!.request("agent:update-settings", { rotateIdentitySecret: true }));
      setSaved((s) => ({ ...s, identitySecret: settings.identitySecret }));
      setRotate("done");
    } catch (err) {
      setRotate("idle");
      setSaveState({ kind: "failed", message: (err as Error).message });
    }
  };

  const edit = (change: () => void) => {
    change();
    if (saveState.kind !== "saving") setSaveState({ kind: "idle" });
  };

  return (
    <div className="min-h-full">
      <header className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 py-2">
        <Link
          href="/admin"
          className="rounded-lg px-2 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
        >
          <span aria-hidden>← </span>
          {t("backToInbox")}
        </Link>
        <span className="ml-auto text-lg font-bold text-brand-600">{t("brand")}</span>
      </header>
      <ConnectionBanner connection={state.connection} />
      <main className="mx-auto grid max-w-6xl gap-6 p-4 sm:p-6 lg:grid-cols-[minmax(0,1fr)_360px]">
        <h1 className="text-2xl font-bold lg:col-span-2">{t("heading")}</h1>

        <form onSubmit={save} noValidate className="space-y-6 lg:col-start-1">
          <Section title={t("profile")} hint={t("profileHint")}>
            <div className="space-y-5">
              <Field label={t("displayName")} errors={showErrors && nameMissing ? [t("nameRequired")] : []}>
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    value={draft.name}
                    maxLength={80}
                    autoComplete="name"
                    aria-invalid={invalid}
                    aria-describedby={describedBy}
                    onChange={(event) => edit(() => setDraft({ ...draft, name: event.target.value }))}
                    className={inputClass}
                  />
                )}
              </Field>
              <AvatarField name={draft.name} avatarUrl={avatarUrl} onChange={setAvatarUrl} />
            </div>
          </Section>

          <Section title={t("widget")} hint={t("widgetHint")}>
            <div className="space-y-5">
              <fieldset>
                <legend className="text-sm font-medium">{t("color")}</legend>
                <div className="mt-1 flex items-center gap-2">
                  <input
                    type="color"
                    aria-label={t("colorPicker")}
                    value={draft.widget.color}
                    onChange={(event) => edit(() => setDraft({ ...draft, hex: event.target.value, widget: { ...draft.widget, color: event.target.value } }))}
                    className="h-10 w-14 shrink-0 cursor-pointer rounded-lg border border-slate-300 bg-white p-1"
                  />
                  <input
                    aria-label={t("hexColor")}
                    value={draft.hex}
                    maxLength={7}
                    spellCheck={false}
                    aria-invalid={hexInvalid}
                    onChange={(event) => {
                      const hex = event.target.value.trim();
                      const match = HEX.exec(hex);
                      edit(() => setDraft({ ...draft, hex, widget: match ? { ...draft.widget, color: `#${match[1]!.toLowerCase()}` } : draft.widget }));
                    }}
                    className="block w-32 rounded-lg border border-slate-300 bg-white px-3 py-2 font-mono text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100 aria-invalid:border-red-500"
                  />
                </div>
                {hexInvalid && <p className="mt-1 text-sm text-red-700">{t("hexInvalid")}</p>}
              </fieldset>
              <WidgetText label={t("greeting")} hint={t("greetingHint")} placeholder={t("defaultGreeting")} value={draft.widget.greeting} onChange={(value) => edit(() => setWidget({ greeting: value }))} />
              <fieldset>
                <legend className="text-sm font-medium">{t("position")}</legend>
                <div className="mt-2 flex flex-wrap gap-2">
                  {(["right", "left"] as const).map((side) => (
                    <label key={side} className="flex cursor-pointer items-center gap-2 rounded-lg border border-slate-300 px-3 py-2 text-sm has-checked:border-brand-500 has-checked:bg-brand-50">
                      <input type="radio" name="position" value={side} checked={draft.widget.position === side} onChange={() => edit(() => setWidget({ position: side }))} className="accent-brand-600" />
                      {t(side)}
                    </label>
                  ))}
                </div>
              </fieldset>
              <WidgetText label={t("offlineMessage")} hint={t("offlineHint")} placeholder={t("defaultOffline")} value={draft.widget.offlineMessage} onChange={(value) => edit(() => setWidget({ offlineMessage: value }))} />
              <label className="flex items-start gap-2 text-sm font-medium">
                <input type="checkbox" checked={draft.widget.preChatForm} onChange={(event) => edit(() => setWidget({ preChatForm: event.target.checked }))} className="mt-0.5 h-4 w-4 accent-brand-600" />
                {t("preChatForm")}
              </label>
            </div>
          </Section>

          <Section title={t("security")}>
            <div className="space-y-5">
              <Field label={t("allowedOrigins")} hint={t("allowedOriginsHint")} errors={showErrors ? origins.errors.map((error) => t("originLine", { line: error.line, message: error.message })) : []}>
                {({ id, describedBy, invalid }) => (
                  <textarea
                    id={id}
                    aria-describedby={describedBy}
                    aria-invalid={invalid}
                    rows={3}
                    value={draft.origins}
                    spellCheck={false}
                    placeholder="https://shop.example"
                    onChange={(event) => edit(() => setDraft({ ...draft, origins: event.target.value }))}
                    className={`${inputClass} font-mono`}
                  />
                )}
              </Field>
              <div>
                <span className="block text-sm font-medium">{t("identitySecret")}</span>
                <code aria-label={t("identitySecret")} className="mt-1 block rounded-lg bg-slate-100 p-2 font-mono text-xs break-all text-slate-800">
                  {saved.identitySecret}
                </code>
                <p className="mt-1 text-xs text-slate-500">{t("identitySecretHint")}</p>
                {rotate === "confirm" || rotate === "busy" ? (
                  <div role="group" aria-label={t("rotate")} className="mt-2 rounded-lg bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
                    <p>{t("rotateConfirm")}</p>
                    <div className="mt-2 flex gap-2">
                      <button type="button" disabled={rotate === "busy"} onClick={() => void rotateSecret()} className={primaryButton}>
                        {t("rotateYes")}
                      </button>
                      <button type="button" onClick={() => setRotate("idle")} className={secondaryButton}>
                        {t("cancel")}
                      </button>
                    </div>
                  </div>
                ) : (
                  <div className="mt-2 flex items-center gap-3">
                    <button type="button" onClick={() => setRotate("confirm")} className={secondaryButton}>
                      {t("rotate")}
                    </button>
                    {rotate === "done" && <span role="status" className="text-sm text-emerald-700">{t("rotated")}</span>}
                  </div>
                )}
              </div>
            </div>
          </Section>

          <div className="sticky bottom-0 z-10 -mx-4 flex flex-wrap items-center gap-3 border-t border-slate-200 bg-white/95 px-4 py-3 backdrop-blur sm:mx-0 sm:rounded-2xl sm:border sm:shadow-sm">
            <button type="submit" disabled={saveState.kind === "saving"} className={primaryButton}>
              {saveState.kind === "saving" ? t("saving") : t("save")}
            </button>
            <p role="status" className="text-sm">
              {saveState.kind === "saved" && !isDirty && <span className="text-emerald-700">{t("saved")}</span>}
              {saveState.kind === "failed" && <span className="text-red-700">{t("notSaved", { message: saveState.message })}</span>}
              {saveState.kind === "idle" && isDirty && <span className="text-slate-600">{t("unsaved")}</span>}
            </p>
          </div>
        </form>

        <aside aria-label={t("preview")} className="lg:sticky lg:top-4 lg:col-start-2 lg:row-span-3 lg:row-start-2 lg:self-start">
          <div className="mb-2 flex items-center justify-between gap-3">
            <h2 className="text-base font-semibold">{t("preview")}</h2>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={previewOffline} onChange={(event) => setPreviewOffline(event.target.checked)} className="h-4 w-4 accent-brand-600" />
              {t("previewOffline")}
            </label>
          </div>
          <WidgetPreview name={draft.name} avatarUrl={avatarUrl} widget={draft.widget} offline={previewOffline} />
        </aside>

        <div className="lg:col-start-1">
          <CannedManager client={client} initial={initialReplies} />
        </div>

        <div className="rounded-2xl bg-white shadow-sm ring-1 ring-slate-200 lg:col-start-1">
          <Snippet snippet={snippet} className="p-4 sm:p-6" />
        </div>
      </main>
    </div>
  );
}

/** One of the widget's texts (greeting, offline message): at most 500 characters, "" meaning the default shown as placeholder. */
function WidgetText({ label, hint, placeholder, value, onChange }: { label: string; hint: string; placeholder: string; value: string; onChange: (value: string) => void }) {
  return (
    <Field label={label} hint={hint}>
      {({ id, describedBy }) => (
        <textarea id={id} aria-describedby={describedBy} rows={2} maxLength={500} value={value} placeholder={placeholder} onChange={(event) => onChange(event.target.value)} className={inputClass} />
      )}
    </Field>
  );
}
