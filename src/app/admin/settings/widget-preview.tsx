"use client";

import type { WidgetSettings } from "../../../server/socket/contract.ts";
import { useT } from "../../_i18n/i18n-provider.tsx";
import { settingsMessages } from "../../_i18n/messages/settings.ts";

type Props = { name: string; avatarUrl: string | null; widget: WidgetSettings; offline: boolean };

/** Black or white, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex: string): "#ffffff" | "#0f172a" {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? "#0f172a" : "#ffffff";
}

/**
 * A still picture of the widget as visitors will see it, drawn from the form's unsaved values: the open window
 * (header in the colour, the agent's name and photo, the greeting or the offline text, the pre-chat form) and
 * the launcher on its side of the page. Nothing in it is interactive.
 */
export function WidgetPreview({ name, avatarUrl, widget, offline }: Props) {
  const t = useT(settingsMessages);
  const ink = textOn(widget.color);
  const isLeft = widget.position === "left";
  const displayName = name.trim() || "Chat";
  const greeting = widget.greeting.trim() || t("defaultGreeting");
  const status = offline ? widget.offlineMessage.trim() || t("defaultOffline") : t("online");
  return (
    <div inert data-testid="widget-preview" className="relative h-[540px] overflow-hidden rounded-2xl border border-slate-200 bg-[repeating-linear-gradient(0deg,#f8fafc_0,#f8fafc_22px,#eef2f7_22px,#eef2f7_24px)]">
      <div className={`absolute top-4 bottom-24 flex w-[calc(100%-2rem)] max-w-[320px] flex-col overflow-hidden rounded-2xl bg-white shadow-xl ring-1 ring-slate-900/5 ${isLeft ? "left-4" : "right-4"}`}>
        <div data-testid="preview-header" className="flex items-center gap-3 px-4 py-3" style={{ backgroundColor: widget.color, color: ink }}>
          <Avatar name={displayName} url={avatarUrl} className="h-9 w-9 bg-white/20" />
          <div className="min-w-0">
            <p className="truncate text-sm font-semibold">{displayName}</p>
            <p className="truncate text-xs opacity-80">{status}</p>
          </div>
        </div>
        <div className="flex min-h-0 flex-1 flex-col gap-3 overflow-hidden bg-slate-50 p-3">
          <div className="flex items-end gap-2">
            <Avatar name={displayName} url={avatarUrl} className="h-7 w-7 bg-slate-200 text-xs text-slate-700" />
            <p className="max-w-[80%] rounded-2xl rounded-bl-sm bg-white px-3 py-2 text-sm whitespace-pre-wrap break-words text-slate-800 shadow-sm ring-1 ring-slate-200">
              {greeting}
            </p>
          </div>
          {widget.preChatForm && (
            <div className="mt-auto space-y-2 rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-200">
              <FakeField label={t("previewName")} />
              <FakeField label={t("previewEmail")} />
              <span className="block rounded-lg px-3 py-1.5 text-center text-sm font-semibold" style={{ backgroundColor: widget.color, color: ink }}>
                {t("startChat")}
              </span>
            </div>
          )}
        </div>
        {!widget.preChatForm && (
          <div className="flex items-center gap-2 border-t border-slate-200 p-2">
            <span className="flex-1 rounded-xl border border-slate-300 px-3 py-2 text-sm text-slate-400">{t("writeMessage")}</span>
            <span className="rounded-xl px-3 py-2 text-sm font-semibold" style={{ backgroundColor: widget.color, color: ink }}>
              {t("send")}
            </span>
          </div>
        )}
      </div>
      <span
        data-testid="preview-launcher"
        aria-label={t("openChat")}
        className={`absolute bottom-4 grid h-14 w-14 place-items-center rounded-full shadow-lg ${isLeft ? "left-4" : "right-4"}`}
        style={{ backgroundColor: widget.color, color: ink }}
      >
        <svg width="26" height="26" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
          <path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" />
        </svg>
      </span>
    </div>
  );
}

/** The agent's photo, round, or the first letter of the name when there is none. */
export function Avatar({ name, url, className }: { name: string; url: string | null; className: string }) {
  return url ? (
    // eslint-disable-next-line @next/next/no-img-element -- our own small square avatar, already sized
    <img src={url} alt="" className={`${className} shrink-0 rounded-full object-cover`} />
  ) : (
    <span aria-hidden className={`${className} flex shrink-0 items-center justify-center rounded-full font-semibold`}>
      {name.trim().slice(0, 1).toUpperCase()}
    </span>
  );
}

function FakeField({ label }: { label: string }) {
  return (
    <span className="block">
      <span className="block text-xs font-medium text-slate-600">{label}</span>
      <span className="mt-0.5 block h-8 rounded-lg border border-slate-300" />
    </span>
  );
}
