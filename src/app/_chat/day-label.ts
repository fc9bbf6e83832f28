import type { MessageView } from "../../server/socket/contract.ts";
import { translate, type Locale } from "../_i18n/locale.ts";
import { chatMessages } from "../_i18n/messages/chat.ts";

/** The local calendar day of a moment, as a comparable key. */
export const dayKey = (date: Date) => `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
// Worked out once per message: the log's rows are rebuilt on every change, and a history can be long.
const dayKeys = new WeakMap<MessageView, string>();
export const dayOf = (message: MessageView): string => {
  let key = dayKeys.get(message);
  if (key === undefined) dayKeys.set(message, (key = dayKey(new Date(message.createdAt))));
  return key;
};

/** "Today", "Yesterday", or the date in the page's locale, for a separator between messages of different local days. */
export function dayLabel(iso: string, locale: Locale, now = new Date()): string {
  const date = new Date(iso);
  if (dayKey(date) === dayKey(now)) return translate(chatMessages, locale, "today");
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(yesterday)) return translate(chatMessages, locale, "yesterday");
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleDateString(locale, { weekday: sameYear ? "long" : undefined, day: "numeric", month: "long", year: sameYear ? undefined : "numeric" });
}

