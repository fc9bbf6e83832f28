"use client";

import { useId, useRef, useState, type FormEvent } from "react";
import { widgetMessages } from "../_i18n/messages/widget.ts";
import { useT } from "../_i18n/i18n-provider.tsx";
import { looksLikeEmail } from "./email.ts";

/** Saves the visitor's profile; rejects with a message to show. */
export type SaveProfile = (profile: { name?: string; email?: string }) => Promise<void>;

const input =
  "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 outline-none focus:border-brand-600 focus:ring-2 focus:ring-brand-600/30 aria-invalid:border-red-600";
const primary =
  "rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-900 disabled:opacity-60";

/**
 * The pre-chat form (Settings → "Ask for name and email"): name and email before the first message.
 * Known values (from the site's JavaScript API) are filled in.
 */
export function PreChatForm({ initial, onSave }: { initial: { name: string; email: string }; onSave: SaveProfile }) {
  const t = useT(widgetMessages);
  const id = useId();
  const [name, setName] = useState(initial.name);
  const [email, setEmail] = useState(initial.email);
  const [errors, setErrors] = useState<{ name?: string; email?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const nameBox = useRef<HTMLInputElement>(null);
  const emailBox = useRef<HTMLInputElement>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = { name: name.trim() ? undefined : t("nameRequired"), email: looksLikeEmail(email) ? undefined : t("invalidEmail") };
    setErrors(found);
    if (found.name) return nameBox.current?.focus();
    if (found.email) return emailBox.current?.focus();
    setBusy(true);
    try {
      await onSave({ name: name.trim(), email: email.trim() });
    } catch (err) {
      setErrors({ form: t("saveFailed", { reason: (err as Error).message }) });
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${id}-title`} className="flex flex-1 flex-col gap-4 overflow-y-auto p-5">
      <div>
        <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
          {t("preChatTitle")}
        </h2>
        <p className="mt-1 text-sm text-slate-600">{t("preChatIntro")}</p>
      </div>
      <Field id={`${id}-name`} label={t("nameLabel")} error={errors.name}>
        <input ref={nameBox} id={`${id}-name`} autoComplete="name" maxLength={80} value={name} onChange={(e) => setName(e.target.value)} className={input} aria-invalid={!!errors.name} aria-describedby={errors.name ? `${id}-name-error` : undefined} />
      </Field>
      <Field id={`${id}-email`} label={t("emailLabel")} error={errors.email}>
        <input ref={emailBox} id={`${id}-email`} type="email" autoComplete="email" maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} className={input} aria-invalid={!!errors.email} aria-describedby={errors.email ? `${id}-email-error` : undefined} />
      </Field>
      {errors.form && (
        <p role="alert" className="text-sm text-red-700">
          {errors.form}
        </p>
      )}
      <button type="submit" disabled={busy} className={`${primary} mt-auto w-full py-2.5`}>
        {busy ? t("saving") : t("startChat")}
      </button>
    </form>
  );
}

function Field({ id, label, error, children }: { id: string; label: string; error?: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {error && (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * While no agent is online (the header says so): a way to be answered by email. Messages still go
 * through the outbox and wait for the agent.
 */
export function OfflineEmail({ email, onSave }: { email: string | null; onSave: SaveProfile }) {
  const t = useT(widgetMessages);
  const id = useId();
  const [draft, setDraft] = useState("");
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!looksLikeEmail(draft)) return setError(t("invalidEmail"));
    setBusy(true);
    setError(null);
    try {
      await onSave({ email: draft.trim() });
      setEditing(false);
    } catch (err) {
      setError(t("saveFailed", { reason: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="border-b border-slate-200 bg-white px-4 py-2.5 text-sm text-slate-700">
      {email && !editing ? (
        <p className="flex items-center gap-2 text-xs text-slate-600">
          <span className="min-w-0 truncate">{t("emailSaved", { email })}</span>
          <button type="button" onClick={() => (setDraft(email), setEditing(true))} className="shrink-0 font-medium text-slate-900 underline focus-visible:outline-2 focus-visible:outline-slate-900">
            {t("change")}
          </button>
        </p>
      ) : (
        <form onSubmit={save} noValidate>
          <label htmlFor={`${id}-email`} className="mb-1 block text-xs font-medium text-slate-800">
            {t("leaveEmail")}
          </label>
          <div className="flex gap-2">
            <input id={`${id}-email`} type="email" autoComplete="email" maxLength={254} placeholder="name@example.com" value={draft} onChange={(e) => setDraft(e.target.value)} className={`${input} min-w-0 flex-1 py-1.5`} aria-invalid={!!error} aria-describedby={error ? `${id}-error` : undefined} />
            <button type="submit" disabled={busy} className={`${primary} shrink-0 py-1.5`}>
              {busy ? t("saving") : t("save")}
            </button>
          </div>
          {error && (
            <p id={`${id}-error`} role="alert" className="mt-1 text-xs text-red-700">
              {error}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
