"use client";

import { useId, useState } from "react";
import type { ChatClient } from "../../_chat/chat-client.ts";
import { useT } from "../../_i18n/i18n-provider.tsx";
import { visitorMessages } from "../../_i18n/messages/visitor.ts";
import type { VisitorProfile } from "../../../server/socket/contract.ts";

type By = "device" | "ip";

/** The visitor's block state, and Block (after choosing device, IP or both, and confirming) or Unblock. */
export function BlockControls({ client, profile, onChange }: { client: ChatClient; profile: VisitorProfile; onChange: (profile: VisitorProfile) => void }) {
  const t = useT(visitorMessages);
  const titleId = useId();
  const [isConfirming, setConfirming] = useState(false);
  const [choice, setChoice] = useState<Record<By, boolean>>({ device: true, ip: false });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const isBlocked = profile.blocked.device || profile.blocked.ip;
  const chosen = (Object.keys(choice) as By[]).filter((by) => choice[by]);

  const run = (request: () => Promise<{ visitor: VisitorProfile }>) => {
    setBusy(true);
    setError(null);
    request()
      .then(({ visitor }) => {
        onChange(visitor);
        setConfirming(false);
      })
      .catch((err: Error) => setError(err.message))
      .finally(() => setBusy(false));
  };
  const block = () => run(() => client.request("visitor:block", { deviceId: profile.deviceId, by: chosen }));
  const unblock = () => run(() => client.request("visitor:unblock", { deviceId: profile.deviceId }));

  return (
    <section aria-labelledby={titleId} className="border-t border-slate-200 px-4 py-4">
      <h3 id={titleId} className="text-xs font-semibold uppercase tracking-wide text-slate-500">
        {t("blocking")}
      </h3>
      {isBlocked ? (
        <div role="status" className="mt-2 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {profile.blocked.device && <p className="font-medium">{t("blockedDevice")}</p>}
          {profile.blocked.ip && <p className="font-medium">{t("blockedIp", { ip: profile.ip ?? "" })}</p>}
          <p className="mt-1 text-xs text-red-700">{t("blockedExplain")}</p>
        </div>
      ) : (
        <p className="mt-2 text-sm text-slate-600">{t("notBlocked")}</p>
      )}
      {isConfirming && !isBlocked ? (
        <div role="group" aria-label={t("blockTitle")} ref={(node) => node?.scrollIntoView({ block: "nearest" })} className="mt-3 rounded-lg border border-slate-300 p-3">
          <p className="text-sm font-semibold text-slate-900">{t("blockTitle")}</p>
          <p className="mt-1 text-xs text-slate-600">{t("blockExplain")}</p>
          <label className="mt-3 flex items-start gap-2 text-sm text-slate-800">
            <input type="checkbox" className="mt-0.5 accent-red-600" checked={choice.device} onChange={(e) => setChoice({ ...choice, device: e.target.checked })} />
            <span>{t("byDevice")}</span>
          </label>
          <label className={`mt-2 flex items-start gap-2 text-sm ${profile.ip ? "text-slate-800" : "text-slate-400"}`}>
            <input type="checkbox" className="mt-0.5 accent-red-600" disabled={!profile.ip} checked={choice.ip && !!profile.ip} onChange={(e) => setChoice({ ...choice, ip: e.target.checked })} />
            <span>
              {profile.ip ? t("byIp", { ip: profile.ip }) : t("byIpUnknown")}
              <span className="block text-xs text-slate-500">{t("byIpExplain")}</span>
            </span>
          </label>
          <div className="mt-3 flex gap-2">
            <button type="button" onClick={block} disabled={busy || chosen.length === 0} className="rounded-lg bg-red-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-700 disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600">
              {t("confirmBlock")}
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={busy} className="rounded-lg px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
              {t("cancel")}
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          onClick={isBlocked ? unblock : () => setConfirming(true)}
          disabled={busy}
          className={`mt-3 rounded-lg border px-3 py-1.5 text-sm font-medium disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 ${isBlocked ? "border-slate-300 text-slate-800 hover:bg-slate-100" : "border-red-300 text-red-700 hover:bg-red-50"}`}
        >
          {isBlocked ? t("unblock") : t("block")}
        </button>
      )}
      {error && (
        <p role="alert" className="mt-2 text-xs text-red-600">
          {t("actionFailed", { message: error })}
        </p>
      )}
    </section>
  );
}
