"use client";

import { useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from "react";
import { PaperclipIcon } from "./attachment.tsx";
import { ACCEPTED_TYPES } from "./upload-file.ts";

type Props = { onSend: (body: string) => void; onAttach: (files: File[]) => void; onTyping?: (isTyping: boolean) => void; placeholder: string };

/**
 * A message box: Enter sends, Shift+Enter breaks the line. Sending works offline too (the outbox waits).
 * Files come in by the paperclip button or by pasting (a screenshot from the clipboard); each is sent at once.
 */
export function Composer({ onSend, onAttach, onTyping, placeholder }: Props) {
  const [body, setBody] = useState("");
  const picker = useRef<HTMLInputElement>(null);
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
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (!files.length) return; // plain text pastes as usual
    event.preventDefault();
    onAttach(files);
  };
  return (
    <form onSubmit={submit} className="flex items-end gap-2 border-t border-slate-200 bg-white p-3">
      <button
        type="button"
        aria-label="Attach a file"
        title="Attach an image or a PDF"
        onClick={() => picker.current?.click()}
        className="flex h-10 w-10 shrink-0 items-center justify-center rounded-xl text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        <PaperclipIcon className="h-5 w-5" />
      </button>
      <input
        ref={picker}
        type="file"
        accept={ACCEPTED_TYPES}
        multiple
        hidden
        tabIndex={-1}
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          event.target.value = ""; // so choosing the same file again still counts as a change
          if (files.length) onAttach(files);
        }}
      />
      <textarea
        aria-label="Message"
        rows={1}
        value={body}
        maxLength={4000}
        placeholder={placeholder}
        onChange={(event) => {
          setBody(event.target.value);
          onTyping?.(event.target.value.trim() !== ""); // emptying the box counts as having stopped
        }}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        className="max-h-32 min-h-10 min-w-0 flex-1 resize-none rounded-xl border border-slate-300 px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100"
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
