"use client";

import { widgetMessages } from "../_i18n/messages/widget.ts";
import { useT } from "../_i18n/i18n-provider.tsx";

/** The window's title bar, in the widget colour: who answers, and whether they are there now. */
export function WidgetHeader({ name, avatarUrl, online, offlineText }: { name: string; avatarUrl: string | null; online: boolean | null; offlineText: string }) {
  const t = useT(widgetMessages);
  return (
    // pr-14: on a phone the loader's close button sits in the header's top-right corner.
    <header className="flex items-center gap-3 bg-brand-600 px-4 py-3 pr-14 sm:pr-4">
      <span className="relative shrink-0">
        {avatarUrl ? (
          // eslint-disable-next-line @next/next/no-img-element -- a small avatar from our own route; nothing to optimise
          <img src={avatarUrl} alt="" width={40} height={40} className="h-10 w-10 rounded-full bg-white/20 object-cover" />
        ) : (
          <span aria-hidden className="flex h-10 w-10 items-center justify-center rounded-full bg-current/15 text-base font-semibold">
            {name.slice(0, 1).toUpperCase()}
          </span>
        )}
        {online && <span aria-hidden className="absolute right-0 bottom-0 h-3 w-3 rounded-full bg-emerald-500 ring-2 ring-white" />}
      </span>
      <div className="min-w-0">
        <h1 className="truncate text-sm font-semibold">{name || t("chat")}</h1>
        {/* null: not known yet, so neither claim is made */}
        <p className="line-clamp-2 min-h-4 text-xs">{online === null ? "" : online ? t("online") : offlineText}</p>
      </div>
    </header>
  );
}
