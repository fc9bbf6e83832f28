import { headers } from "next/headers";
import { localeFromAcceptLanguage, type Locale } from "./locale.ts";

/** The locale of the browser asking for this page, from its Accept-Language header. */
export async function requestLocale(): Promise<Locale> {
  return localeFromAcceptLanguage((await headers()).get("accept-language"));
}
