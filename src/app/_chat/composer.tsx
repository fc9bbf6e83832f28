"use client";

import { useState, type FormEvent, type KeyboardEvent } from "react";

/** A message box: Enter sends, Shift+Enter breaks the line. Sending works offline too (the outbox waits). */
export function Composer({ onSend, placeholder }: { onSend: (body: string) => void; placeholder: string }) {
  const [body, setBody] = useState("");
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const text = body.trim();
    if (!text) return;
    onSend(text);
    setBody("");
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) submit(event);
  };
  return (
    <form onSubmit={submit} className="flex items-end gap-2 border-t border-slate-200 bg-white p-3">
      <textarea
        aria-label="Message"
        rows={1}
        value={body}
        maxLength={4000}
        placeholder={placeholder}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={onKeyDown}
        className="max-h-32 min-h-10 flex-1 resize-none rounded-xl border border-slate-300 px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100"
      />
      <button
        type="submit"
        className="h-10 rounded-xl bg-brand-600 px-4 text-sm font-semibold text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        Send
      </button>
    </form>
  );
}
