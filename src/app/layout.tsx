import type { Metadata } from "next";
import type { ReactNode } from "react";
import { LocaleProvider } from "./_i18n/i18n-provider.tsx";
import { requestLocale } from "./_i18n/server-locale.ts";
import "./globals.css";

export const metadata: Metadata = { title: "Parley", description: "Customer-service live chat" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await requestLocale();
  return (
    <html lang={locale}>
      <body className="h-full bg-slate-50 text-slate-900 antialiased">
        <LocaleProvider locale={locale}>{children}</LocaleProvider>
      </body>
    </html>
  );
}
