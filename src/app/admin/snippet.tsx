"use client";

import { useState } from "react";
import { useT } from "../_i18n/i18n-provider.tsx";
import { settingsMessages } from "../_i18n/messages/settings.ts";

/**
 * The `<script>` tag a site owner pastes into their pages, with a copy button. With `identitySecret`, also how
 * identity verification works and the secret (the settings page shows the secret elsewhere, with rotation).
 */
export function Snippet({ snippet, identitySecret, className = "border-t border-slate-200 p-4" }: { snippet: string; identitySecret?: string; className?: string }) {
  const t = useT(settingsMessages);
  const [copied, setCopied] = useState(false);
  const copy = () => navigator.clipboard.writeText(snippet).then(() => setCopied(true), () => setCopied(false));
  return (
    <div className={className}>
      <h2 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{t("yourWidget")}</h2>
      <p className="mt-1 text-xs text-slate-600">{t("pasteSnippet")}</p>
      <code aria-label={t("embedSnippet")} className="mt-2 block break-all rounded-lg bg-slate-900 p-2 text-[11px] text-slate-100">
        {snippet}
      </code>
      <button
        type="button"
        onClick={copy}
        className="mt-2 rounded-lg bg-slate-100 px-3 py-1 text-xs font-medium hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        {copied ? t("copied") : t("copySnippet")}
      </button>
      {identitySecret !== undefined && (
        <details className="mt-3 text-xs text-slate-600">
          <summary className="cursor-pointer font-medium text-slate-700">{t("identityVerification")}</summary>
          <p className="mt-1">
            {t("identityExplainBefore")} <code>data-user-id</code> {t("identityExplainAnd")} <code>data-user-hash</code> {t("identityExplainAfter")}
          </p>
          <code aria-label={t("identitySecretLabel")} className="mt-2 block break-all rounded-lg bg-slate-100 p-2 text-[11px] text-slate-800">
            {identitySecret}
          </code>
        </details>
      )}
    </div>
  );
}
