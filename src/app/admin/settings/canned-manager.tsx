"use client";

import { useState, type FormEvent } from "react";
import type { CannedReply } from "../../../server/socket/contract.ts";
import { AckError, type ChatClient } from "../../_chat/chat-client.ts";
import { useT } from "../../_i18n/i18n-provider.tsx";
import { settingsMessages } from "../../_i18n/messages/settings.ts";
import { secondaryButton } from "./avatar-field.tsx";
import { Field, inputClass, primaryButton, Section } from "./section.tsx";

const SHORTCUT = /^[a-z0-9_-]{1,32}$/;
type Editing = { id?: string; shortcut: string; body: string };

/** The agent's saved replies: add, edit and delete, through canned:save and canned:delete. */
export function CannedManager({ client, initial }: { client: ChatClient | null; initial: CannedReply[] }) {
  const t = useT(settingsMessages);
  const [replies, setReplies] = useState(initial);
  const [editing, setEditing] = useState<Editing>({ shortcut: "", body: "" });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const failure = (err: unknown, shortcut: string) => {
    if (err instanceof AckError && err.code === "CONFLICT") return err.message.startsWith("at most") ? t("tooManyReplies") : t("shortcutTaken", { shortcut });
    if (err instanceof AckError && err.code === "DISCONNECTED") return t("notSaved", { message: t("notConnected") });
    return t("notSaved", { message: (err as Error).message });
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const shortcut = editing.shortcut.trim().replace(/^\//, "").toLowerCase();
    const body = editing.body.trim();
    if (!SHORTCUT.test(shortcut)) return setError(t("shortcutInvalid"));
    if (!body) return setError(t("replyRequired"));
    if (!client) return setError(t("notSaved", { message: t("notConnected") }));
    setBusy(true);
    setError(null);
    try {
      const { reply } = await client.request("canned:save", { ...(editing.id && { id: editing.id }), shortcut, body });
      setReplies((all) => [...all.filter((r) => r.id !== reply.id), reply].sort((a, b) => a.shortcut.localeCompare(b.shortcut)));
      setEditing({ shortcut: "", body: "" });
    } catch (err) {
      setError(failure(err, shortcut));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (reply: CannedReply) => {
    if (!client) return setError(t("notSaved", { message: t("notConnected") }));
    setError(null);
    try {
      await client.request("canned:delete", { id: reply.id });
      setReplies((all) => all.filter((r) => r.id !== reply.id));
      if (editing.id === reply.id) setEditing({ shortcut: "", body: "" });
    } catch (err) {
      // Already gone (another tab deleted it) is what was wanted.
      if (err instanceof AckError && err.code === "NOT_FOUND") return setReplies((all) => all.filter((r) => r.id !== reply.id));
      setError(failure(err, reply.shortcut));
    }
  };

  return (
    <Section title={t("savedReplies")} hint={t("savedRepliesHint")}>
      {replies.length === 0 ? (
        <p className="text-sm text-slate-500">{t("noSavedReplies")}</p>
      ) : (
        <ul aria-label={t("savedReplies")} className="divide-y divide-slate-100 rounded-xl ring-1 ring-slate-200">
          {replies.map((reply) => (
            <li key={reply.id} className="flex flex-wrap items-start gap-x-3 gap-y-1 p-3">
              <div className="min-w-0 flex-1 basis-48">
                <p className="font-mono text-sm font-semibold text-brand-700">/{reply.shortcut}</p>
                <p className="line-clamp-2 text-sm break-words whitespace-pre-wrap text-slate-600">{reply.body}</p>
              </div>
              <div className="flex gap-2">
                <button type="button" aria-label={t("editReply", { shortcut: reply.shortcut })} onClick={() => setEditing({ ...reply })} className={secondaryButton}>
                  {t("edit")}
                </button>
                <button type="button" aria-label={t("deleteReply", { shortcut: reply.shortcut })} onClick={() => void remove(reply)} className={secondaryButton}>
                  {t("delete")}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={save} noValidate className="mt-4 space-y-3 rounded-xl bg-slate-50 p-3 ring-1 ring-slate-200">
        <Field label={t("shortcut")} hint={t("shortcutHint")}>
          {({ id, describedBy }) => (
            <span className="mt-1 flex items-center rounded-lg border border-slate-300 bg-white focus-within:border-brand-500 focus-within:ring-2 focus-within:ring-brand-100">
              <span aria-hidden className="pl-3 font-mono text-slate-400">
                /
              </span>
              <input
                id={id}
                aria-describedby={describedBy}
                value={editing.shortcut}
                maxLength={33}
                autoCapitalize="none"
                spellCheck={false}
                onChange={(event) => setEditing({ ...editing, shortcut: event.target.value })}
                className="block w-full min-w-0 rounded-lg bg-transparent px-1 py-2 font-mono text-sm outline-none"
              />
            </span>
          )}
        </Field>
        <Field label={t("replyBody")}>
          {({ id }) => <textarea id={id} rows={3} maxLength={4000} value={editing.body} onChange={(event) => setEditing({ ...editing, body: event.target.value })} className={inputClass} />}
        </Field>
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
        <div className="flex gap-2">
          <button type="submit" disabled={busy} className={primaryButton}>
            {editing.id ? t("saveReply") : t("addReply")}
          </button>
          {(editing.id || editing.shortcut || editing.body) && (
            <button
              type="button"
              onClick={() => {
                setEditing({ shortcut: "", body: "" });
                setError(null);
              }}
              className={secondaryButton}
            >
              {t("cancel")}
            </button>
          )}
        </div>
      </form>
    </Section>
  );
}
