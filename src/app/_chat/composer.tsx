"use client";

import { useId, useLayoutEffect, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from "react";
import type { CannedReply } from "../../server/socket/contract.ts";
import { useT } from "../_i18n/i18n-provider.tsx";
import { settingsMessages } from "../_i18n/messages/settings.ts";
import { PaperclipIcon } from "./attachment.tsx";
import { matchReplies, slashQueryAt } from "./canned-suggestions.ts";
import { ACCEPTED_TYPES } from "./upload-file.ts";

type Props = {
  onSend: (body: string) => void;
  onAttach: (files: File[]) => void;
  onTyping?: (isTyping: boolean) => void;
  placeholder: string;
  /** The agent's saved replies: typing `/` offers them. Absent in the visitor window. */
  cannedReplies?: readonly CannedReply[];
};

/**
 * A message box: Enter sends, Shift+Enter breaks the line. Sending works offline too (the outbox waits).
 * Files come in by the paperclip button or by pasting (a screenshot from the clipboard); each is sent at once.
 * With saved replies, "/" opens a list of them (a textbox with a listbox popup: arrows move, Enter or Tab
 * inserts, Escape closes); the box keeps focus throughout, the list follows by aria-activedescendant.
 */
export function Composer({ onSend, onAttach, onTyping, placeholder, cannedReplies = [] }: Props) {
  const t = useT(settingsMessages);
  const [body, setBody] = useState("");
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null); // the "/" whose list Escape closed
  const picker = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const placeCaret = useRef<number | null>(null);
  const listId = useId();

  const slash = cannedReplies.length ? slashQueryAt(body, caret) : null;
  const suggestions = slash ? matchReplies(cannedReplies, slash.query) : [];
  const isOpen = slash !== null && slash.start !== dismissedAt && suggestions.length > 0;
  const activeIndex = Math.min(active, suggestions.length - 1);
  const optionId = (index: number) => `${listId}-option-${index}`;

  useLayoutEffect(() => {
    if (placeCaret.current === null || !box.current) return;
    box.current.setSelectionRange(placeCaret.current, placeCaret.current);
    placeCaret.current = null;
  }, [body]);

  const change = (text: string, at: number) => {
    setBody(text);
    setCaret(at);
    setActive(0);
    if (dismissedAt !== null && slashQueryAt(text, at)?.start !== dismissedAt) setDismissedAt(null);
    onTyping?.(text.trim() !== ""); // emptying the box counts as having stopped
  };

  const insert = (reply: CannedReply) => {
    if (!slash) return;
    const text = body.slice(0, slash.start) + reply.body + body.slice(caret);
    const at = slash.start + reply.body.length;
    placeCaret.current = at;
    change(text, at);
    box.current?.focus();
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const text = body.trim();
    if (!text) return;
    onSend(text);
    setBody("");
    setCaret(0);
    setDismissedAt(null);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return; // an IME is choosing characters: its keys are not ours
    if (isOpen) {
      if (event.key === "ArrowDown") setActive((activeIndex + 1) % suggestions.length);
      else if (event.key === "ArrowUp") setActive((activeIndex - 1 + suggestions.length) % suggestions.length);
      else if ((event.key === "Enter" && !event.shiftKey) || event.key === "Tab") insert(suggestions[activeIndex]!);
      else if (event.key === "Escape") {
        setDismissedAt(slash.start);
        event.stopPropagation(); // closes the list, not the widget around it
      } else return; // any other key edits the box as usual
      event.preventDefault();
      return;
    }
    if (event.key === "Enter" && !event.shiftKey) submit(event);
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
        aria-label={t("attachFile")}
        title={t("attachTitle")}
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
      <div className="relative flex min-w-0 flex-1">
        {isOpen && (
          <ul
            id={listId}
            role="listbox"
            aria-label={t("savedReplies")}
            className="absolute right-0 bottom-full left-0 z-20 mb-2 max-h-64 overflow-y-auto rounded-xl bg-white py-1 shadow-lg ring-1 ring-slate-200"
          >
            {suggestions.map((reply, index) => (
              <li
                key={reply.id}
                id={optionId(index)}
                role="option"
                aria-selected={index === activeIndex}
                // mousedown, not click: the box must keep focus (and its caret) while a reply is picked
                onMouseDown={(event) => {
                  event.preventDefault();
                  insert(reply);
                }}
                onMouseEnter={() => setActive(index)}
                className={`cursor-pointer px-3 py-2 ${index === activeIndex ? "bg-brand-50" : ""}`}
              >
                <span className="block font-mono text-xs font-semibold text-brand-700">/{reply.shortcut}</span>
                <span className="block truncate text-sm text-slate-700">{reply.body}</span>
              </li>
            ))}
          </ul>
        )}
        <textarea
          ref={box}
          aria-label={t("message")}
          aria-autocomplete={cannedReplies.length ? "list" : undefined}
          aria-controls={isOpen ? listId : undefined}
          aria-activedescendant={isOpen ? optionId(activeIndex) : undefined}
          rows={1}
          value={body}
          maxLength={4000}
          placeholder={placeholder}
          onChange={(event) => change(event.target.value, event.target.selectionStart)}
          onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          className="max-h-32 min-h-10 min-w-0 flex-1 resize-none rounded-xl border border-slate-300 px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100"
        />
      </div>
      <button
        type="submit"
        className="h-10 rounded-xl bg-brand-600 px-4 text-sm font-semibold text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        {t("send")}
      </button>
    </form>
  );
}
