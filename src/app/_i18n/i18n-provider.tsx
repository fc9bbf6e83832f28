"use client";

import { createContext, useCallback, useContext, type ReactNode } from "react";
import { translate, type Locale, type Messages, type Vars } from "./locale.ts";

const LocaleContext = createContext<Locale>("en");

/** The page's locale, chosen on the server from Accept-Language so the first render already speaks it. */
export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext value={locale}>{children}</LocaleContext>;
}

export const useLocale = (): Locale => useContext(LocaleContext);

/** `t(key, vars)` over one area's messages, in the page's locale. */
export function useT<K extends string>(messages: Messages<K>): (key: K, vars?: Vars) => string {
  const locale = useLocale();
  return useCallback((key: K, vars?: Vars) => translate(messages, locale, key, vars), [messages, locale]);
}
