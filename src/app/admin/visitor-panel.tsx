"use client";

import { Fragment, type ReactNode } from "react";
import type { ChatClient } from "../_chat/chat-client.ts";
import { useLocale, useT } from "../_i18n/i18n-provider.tsx";
import type { Locale } from "../_i18n/locale.ts";
import { visitorMessages } from "../_i18n/messages/visitor.ts";
import type { InboxEntry, VisitorProfile } from "../../server/socket/contract.ts";
import { BlockControls } from "./visitor/block-controls.tsx";
import { localTime, shownUrl, webUrl } from "./visitor/format.ts";
import { useMinuteClock, useVisitorProfile } from "./visitor/use-visitor-profile.ts";

type T = ReturnType<typeof useT<keyof (typeof visitorMessages)["en"]>>;

/**
 * Who the agent is talking to: beside the conversation on wide screens; on narrow ones a drawer, opened by
 * the VisitorButton in the conversation's header. Kept fresh by `visitor:updated`, and fetched again whenever
 * the inbox entry shows something new and each minute.
 */
export function VisitorPanel({ client, entry, isOpen, onOpenChange }: { client: ChatClient; entry: InboxEntry; isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  const t = useT(visitorMessages);
  const now = useMinuteClock();
  const refreshKey = [entry.peerOnline, entry.peer.lastSeenAt, entry.lastSeq, entry.peer.label, Math.floor(now.getTime() / 60_000)].join("|");
  const { profile, error, accept } = useVisitorProfile(client, entry.peer.deviceId, refreshKey);
  if (entry.peer.kind !== "visitor") return null;

  const body = <PanelBody client={client} entry={entry} profile={profile} error={error} now={now} onChange={accept} t={t} />;
  return (
    <>
      <aside aria-label={t("panelTitle")} className="hidden w-80 shrink-0 overflow-y-auto border-l border-slate-200 bg-white lg:block">
        {body}
      </aside>
      {isOpen && (
        <div className="fixed inset-0 z-40 flex justify-end bg-slate-900/30 lg:hidden" onClick={() => onOpenChange(false)}>
          <aside role="dialog" aria-modal="true" aria-label={t("panelTitle")} className="h-full w-full max-w-sm overflow-y-auto bg-white shadow-xl" onClick={(e) => e.stopPropagation()}>
            <div className="flex justify-end px-2 pt-2">
              <button type="button" onClick={() => onOpenChange(false)} className="rounded-lg px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
                {t("close")}
              </button>
            </div>
            {body}
          </aside>
        </div>
      )}
    </>
  );
}

/** Opens the visitor drawer on screens too narrow for the panel beside the conversation (it sits in the conversation's header). */
export function VisitorButton({ entry, isOpen, onOpen }: { entry: InboxEntry; isOpen: boolean; onOpen: () => void }) {
  const t = useT(visitorMessages);
  if (entry.peer.kind !== "visitor") return null;
  return (
    <button
      type="button"
      onClick={onOpen}
      aria-expanded={isOpen}
      className="flex shrink-0 items-center gap-1.5 rounded-lg border border-slate-300 px-2.5 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 lg:hidden"
    >
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${entry.peerOnline ? "bg-emerald-500" : "bg-slate-300"}`} />
      {t("show")}
    </button>
  );
}

function PanelBody({ client, entry, profile, error, now, onChange, t }: { client: ChatClient; entry: InboxEntry; profile: VisitorProfile | null; error: string | null; now: Date; onChange: (p: VisitorProfile) => void; t: T }) {
  const locale = useLocale();
  if (!profile) return <p className="px-4 py-6 text-sm text-slate-500">{error ? t("loadFailed", { message: error }) : t("loading")}</p>;
  // Presence comes live with the inbox entry; the profile may be a moment older.
  const online = entry.peerOnline;
  const lastSeenAt = entry.peer.lastSeenAt > profile.lastSeenAt ? entry.peer.lastSeenAt : profile.lastSeenAt;
  const attributes = Object.entries(profile.attributes);
  return (
    <div>
      <div className="flex items-center gap-3 px-4 pt-4 pb-3">
        <span className="relative flex h-11 w-11 shrink-0 items-center justify-center rounded-full bg-brand-100 text-base font-semibold text-brand-700">
          {profile.displayName.slice(0, 1).toUpperCase()}
          <span aria-hidden="true" className={`absolute -right-0.5 -bottom-0.5 h-3 w-3 rounded-full ring-2 ring-white ${online ? "bg-emerald-500" : "bg-slate-300"}`} />
        </span>
        <div className="min-w-0">
          <h2 className="truncate font-semibold text-slate-900" title={profile.displayName}>
            {profile.displayName}
          </h2>
          {profile.displayName !== profile.label && <p className="truncate text-xs text-slate-500">{profile.label}</p>}
          <p data-testid="visitor-presence" className="text-xs text-slate-600">
            {online ? t("online") : t("lastSeen", { time: formatDateTime(lastSeenAt, locale) })}
          </p>
        </div>
      </div>
      <dl className="grid grid-cols-[6rem_minmax(0,1fr)] gap-x-3 gap-y-2.5 border-t border-slate-200 px-4 py-4 text-sm">
        {profile.email && (
          <Field label={t("email")}>
            <a className="break-all text-brand-700 underline-offset-2 hover:underline" href={`mailto:${encodeURIComponent(profile.email).replace("%40", "@")}`}>
              {profile.email}
            </a>
          </Field>
        )}
        {profile.userId && (
          <Field label={t("verifiedUser")}>
            <span className="break-all font-mono text-xs" title={t("verifiedHint")}>
              ✓ {profile.userId}
            </span>
          </Field>
        )}
        <Field label={t("localTime")}>{localTime(now, profile.timezone, locale) ?? <Missing text={t("unknown")} />}</Field>
        <Field label={t("currentPage")}>
          <SafeLink url={profile.currentPage} fallback={t("unknown")} />
        </Field>
        <Field label={t("referrer")}>
          <SafeLink url={profile.referrer} fallback={t("none")} />
        </Field>
        <Field label={t("browser")}>{profile.browser ?? <Missing text={t("unknown")} />}</Field>
        <Field label={t("os")}>{[profile.os, deviceTypeName(profile.deviceType, t)].filter(Boolean).join(" · ") || <Missing text={t("unknown")} />}</Field>
        {profile.locale && <Field label={t("language")}>{languageName(profile.locale, locale)}</Field>}
        <Field label={t("firstSeen")}>{formatDateTime(profile.firstSeenAt, locale)}</Field>
        <Field label={t("ip")}>
          {profile.ip ? <span className="font-mono text-xs">{profile.ip}</span> : <Missing text={t("unknown")} />}
        </Field>
      </dl>
      {attributes.length > 0 && (
        <section className="border-t border-slate-200 px-4 py-4">
          <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("attributes")}</h3>
          <dl className="mt-2 grid grid-cols-[6rem_minmax(0,1fr)] gap-x-3 gap-y-1.5 text-sm">
            {attributes.map(([key, value]) => (
              <Fragment key={key}>
                <dt className="truncate pt-px font-mono text-xs leading-5 text-slate-500" title={key}>
                  {key}
                </dt>
                <dd className="min-w-0 break-words text-slate-900">{String(value)}</dd>
              </Fragment>
            ))}
          </dl>
        </section>
      )}
      <BlockControls client={client} profile={profile} onChange={onChange} />
    </div>
  );
}

function Missing({ text }: { text: string }) {
  return <span className="text-slate-500">{text}</span>;
}

/** One row of the panel's two-column list: the term and its value side by side. */
function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="pt-px text-xs leading-5 font-medium text-slate-500">{label}</dt>
      <dd className="min-w-0 text-slate-900">{children}</dd>
    </>
  );
}

/**
 * A page the visitor reported, as a link only when it is a web address (the server accepts nothing else, but
 * the console does not rely on that), opened without handing this page to it.
 */
function SafeLink({ url, fallback }: { url: string | null; fallback: string }) {
  if (!url) return <Missing text={fallback} />;
  const parsed = webUrl(url);
  if (!parsed) return <span className="break-all">{url}</span>;
  return (
    <a href={parsed.href} target="_blank" rel="noopener noreferrer nofollow" title={parsed.href} className="block truncate text-brand-700 underline-offset-2 hover:underline">
      {shownUrl(parsed)}
    </a>
  );
}

function formatDateTime(iso: string, locale: Locale): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

function languageName(tag: string, locale: Locale): string {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

function deviceTypeName(type: string | null, t: T): string | null {
  switch (type) {
    case "desktop":
      return t("deviceDesktop");
    case "mobile":
      return t("deviceMobile");
    case "tablet":
      return t("deviceTablet");
    case "tv":
      return t("deviceTv");
    case "bot":
      return t("deviceBot");
    default:
      return type;
  }
}
