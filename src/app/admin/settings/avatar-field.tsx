"use client";

import { useId, useRef, useState } from "react";
import { useT } from "../../_i18n/i18n-provider.tsx";
import { settingsMessages } from "../../_i18n/messages/settings.ts";
import { Avatar } from "./widget-preview.tsx";

type Reply = { ok: true; data: { avatarUrl: string | null } } | { ok: false; error?: { code?: string } };
type ErrorKey = "photoTooBig" | "photoWrongType" | "photoFailed" | "sessionEnded";

// By HTTP status, not body: a balancer in front of the nodes may answer 413 itself, in HTML.
const ERROR_BY_STATUS: Record<number, ErrorKey> = { 401: "sessionEnded", 413: "photoTooBig", 415: "photoWrongType" };

/** The agent's photo, shown round, with upload and remove; changes apply at once (POST/DELETE /api/agents/avatar). */
export function AvatarField({ name, avatarUrl, onChange }: { name: string; avatarUrl: string | null; onChange: (url: string | null) => void }) {
  const t = useT(settingsMessages);
  const picker = useRef<HTMLInputElement>(null);
  const hintId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorKey | null>(null);

  const send = async (init: RequestInit) => {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch("/api/agents/avatar", init); // the session cookie goes along (same origin)
      const reply = (await response.json().catch(() => null)) as Reply | null;
      if (response.ok && reply?.ok) return onChange(reply.data.avatarUrl);
      setError(ERROR_BY_STATUS[response.status] ?? "photoFailed");
    } catch {
      setError("photoFailed");
    } finally {
      setBusy(false);
    }
  };
  const upload = (file: File) => {
    const form = new FormData();
    form.append("file", file, file.name || "avatar");
    void send({ method: "POST", body: form });
  };

  return (
    <div>
      <span className="block text-sm font-medium">{t("photo")}</span>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <Avatar name={name || "?"} url={avatarUrl} className="h-16 w-16 bg-slate-200 text-xl text-slate-700 ring-1 ring-slate-200" />
        <button type="button" disabled={busy} aria-describedby={hintId} onClick={() => picker.current?.click()} className={secondaryButton}>
          {busy ? t("photoUploading") : avatarUrl ? t("changePhoto") : t("uploadPhoto")}
        </button>
        {avatarUrl && (
          <button type="button" disabled={busy} onClick={() => void send({ method: "DELETE" })} className={secondaryButton}>
            {t("removePhoto")}
          </button>
        )}
        <input
          ref={picker}
          type="file"
          accept="image/png,image/jpeg,image/gif,image/webp"
          hidden
          tabIndex={-1}
          data-testid="avatar-file"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = ""; // choosing the same file again still counts as a change
            if (file) upload(file);
          }}
        />
      </div>
      <p id={hintId} className="mt-2 text-xs text-slate-500">
        {t("photoHint")}
      </p>
      {error && (
        <p role="alert" className="mt-1 text-sm text-red-700">
          {t(error)}
        </p>
      )}
    </div>
  );
}

export const secondaryButton =
  "rounded-lg border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600";
