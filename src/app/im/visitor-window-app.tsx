import { LocaleProvider } from "../_i18n/i18n-provider.tsx";
import type { Locale } from "../_i18n/locale.ts";
import { VisitorWindow, type VisitorWindowProps } from "./visitor-window.tsx";

/** What the page hands the window: rendered to HTML on the server, then read again in the browser to hydrate it. */
export type VisitorWindowData = VisitorWindowProps & { locale: Locale };

/** The element holding the window's markup, and the JSON element holding its VisitorWindowData. */
export const ROOT_ID = "parley-im";
export const DATA_ID = "parley-im-data";

export function VisitorWindowApp({ locale, ...props }: VisitorWindowData) {
  return (
    <LocaleProvider locale={locale}>
      <VisitorWindow {...props} />
    </LocaleProvider>
  );
}
