"use client";

import { useEffect, useId, useRef, useState } from "react";
import { consoleMessages } from "../../_i18n/messages/console.ts";
import { useT } from "../../_i18n/i18n-provider.tsx";
import type { AlertPrefs, NotifyPermission } from "./use-alerts.ts";

type Props = { prefs: AlertPrefs; permission: NotifyPermission; onNotify: (on: boolean) => void; onSound: (on: boolean) => void };

/** The bell in the console's header: switches for notifications and the chime, and why notifications cannot be on. */
export function AlertsMenu({ prefs, permission, onNotify, onSound }: Props) {
  const t = useT(consoleMessages);
  const [isOpen, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const isOn = prefs.notify || prefs.sound;

  useEffect(() => {
    if (!isOpen) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [isOpen]);

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-label={isOn ? t("alertsOn") : t("alerts")}
        title={t("alerts")}
        aria-expanded={isOpen}
        aria-controls={panelId}
        onClick={() => setOpen((open) => !open)}
        className="flex h-9 w-9 items-center justify-center rounded-lg text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        <BellIcon muted={!isOn} />
      </button>
      {isOpen && (
        <div id={panelId} role="group" aria-label={t("alerts")} className="absolute right-0 z-20 mt-2 w-72 max-w-[calc(100vw-1.5rem)] rounded-xl border border-slate-200 bg-white p-3 text-sm shadow-lg">
          <p className="text-xs text-slate-600">{t("alertsHint")}</p>
          <Switch label={t("desktopNotifications")} isOn={prefs.notify} onChange={onNotify} />
          {permission === "denied" && (
            <p role="alert" className="mt-1 text-xs text-red-700">
              {t("notificationsBlocked")}
            </p>
          )}
          {permission === "unsupported" && (
            <p role="alert" className="mt-1 text-xs text-red-700">
              {t("notificationsUnsupported")}
            </p>
          )}
          <Switch label={t("sound")} isOn={prefs.sound} onChange={onSound} />
        </div>
      )}
    </div>
  );
}

function Switch({ label, isOn, onChange }: { label: string; isOn: boolean; onChange: (on: boolean) => void }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={isOn}
      onClick={() => onChange(!isOn)}
      className="mt-2 flex w-full items-center justify-between gap-3 rounded-lg px-2 py-1.5 text-left text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-600"
    >
      <span>{label}</span>
      <span aria-hidden="true" className={`relative inline-flex h-5 w-9 shrink-0 rounded-full transition-colors ${isOn ? "bg-brand-600" : "bg-slate-300"}`}>
        <span className={`absolute top-0.5 h-4 w-4 rounded-full bg-white shadow transition-all ${isOn ? "left-4.5" : "left-0.5"}`} />
      </span>
    </button>
  );
}

function BellIcon({ muted }: { muted: boolean }) {
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
      <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      {muted && <path d="M3 3l18 18" />}
    </svg>
  );
}
