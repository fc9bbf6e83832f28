"use client";

import { Fragment, useEffect, useMemo, useRef, useState, type ReactNode, type Ref, type UIEvent } from "react";
import { Virtuoso, type ItemProps, type ListProps, type VirtuosoHandle } from "react-virtuoso";
import type { MessageView, UploadView } from "../../server/socket/contract.ts";
import { useLocale, useT } from "../_i18n/i18n-provider.tsx";
import { translate, type Locale } from "../_i18n/locale.ts";
import { chatMessages } from "../_i18n/messages/chat.ts";
import { dayKey, dayLabel, dayOf } from "./day-label.ts";
import { FileMessage, ImageMessage, ImageViewer, UploadCard } from "./attachment.tsx";
import type { Outgoing, PendingUpload } from "./chat-client.ts";
import { linkify } from "./linkify.ts";

type Props = {
  messages: readonly MessageView[];
  pending: readonly Outgoing[];
  uploads: readonly PendingUpload[];
  selfDeviceId: string;
  peerLastReadSeq: number;
  peerLabel: string;
  emptyText: string;
  /** The newest page is held; until then the log says it is loading rather than that it is empty. */
  loaded: boolean;
  /** Older messages than the first one held exist on the server. */
  hasMore: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onDismissUpload: (id: string) => void;
  onDiscard: (clientMsgId: string) => void;
};

// How long after rows change a scroll upward is still taken for the list adjusting itself, not the reader.
const SETTLE_MS = 400;

/** One row of the log: a stored message, one of this side's on its way, or a file uploading. */
type Row =
  | { kind: "message"; message: MessageView; startsDay: boolean }
  | { kind: "pending"; outgoing: Outgoing; startsDay: boolean }
  | { kind: "upload"; upload: PendingUpload };
type Context = { hasMore: boolean; loadingOlder: boolean; locale: Locale };

// Virtuoso counts item indexes down from here as older pages are prepended (its `firstItemIndex`).
const FIRST_INDEX = 1_000_000_000;

const time = (iso: string, locale: Locale) => new Date(iso).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });

/** The log's rows. The first message held starts a day only when it is the conversation's first: above it may be more of that day. */
function toRows(messages: readonly MessageView[], pending: readonly Outgoing[], uploads: readonly PendingUpload[], hasMore: boolean): Row[] {
  const rows: Row[] = messages.map((message, i) => ({
    kind: "message",
    message,
    startsDay: i === 0 ? !hasMore : dayOf(messages[i - 1]!) !== dayOf(message),
  }));
  const last = messages.at(-1);
  pending.forEach((outgoing, i) => rows.push({ kind: "pending", outgoing, startsDay: i === 0 && (!last || dayOf(last) !== dayKey(new Date())) }));
  for (const upload of uploads) rows.push({ kind: "upload", upload });
  return rows;
}

const rowKey = (_: number, row: Row) => (row.kind === "message" ? `m${row.message.seq}` : row.kind === "pending" ? `o${row.outgoing.clientMsgId}` : `u${row.upload.id}`);

/**
 * The conversation as a log, virtualized: only the rows near the viewport are in the page, however long the
 * history. It opens at the newest message, loads older pages as the reader nears the top (keeping what is on
 * screen where it is), follows new messages while at the bottom and otherwise offers a way down. Confirmed
 * messages by seq, then this side's unacknowledged ones as "Sending…", then files still uploading.
 */
export function MessageList(props: Props) {
  const { messages, pending, uploads, selfDeviceId, peerLastReadSeq, peerLabel, emptyText, loaded, hasMore, loadingOlder, onLoadOlder } = props;
  const t = useT(chatMessages);
  const locale = useLocale();
  const [viewing, setViewing] = useState<UploadView | null>(null);
  const virtuoso = useRef<VirtuosoHandle>(null);
  const [atTop, setAtTop] = useState(false);
  const [atBottom, setAtBottom] = useState(true);
  const [seenSeq, setSeenSeq] = useState(0);
  const rows = useMemo(() => toRows(messages, pending, uploads, hasMore), [messages, pending, uploads, hasMore]);

  // The first seq shown anchors the indexes: each message prepended above it lowers the first index by one.
  const anchor = useRef<number | undefined>(undefined);
  anchor.current ??= messages[0]?.seq;
  const above = anchor.current === undefined ? 0 : messages.findIndex((m) => m.seq === anchor.current);
  const firstItemIndex = FIRST_INDEX - Math.max(0, above);

  // Near the top with older history on the server: fetch the page before, and again once it has landed if the
  // reader is still near the top. A page that failed is asked for again only when the reader comes back up.
  const lowestSeq = messages[0]?.seq;
  useEffect(() => {
    if (atTop && hasMore) onLoadOlder();
  }, [atTop, hasMore, lowestSeq, onLoadOlder]);

  const newestSeq = messages.at(-1)?.seq ?? 0;
  useEffect(() => {
    if (atBottom) setSeenSeq(newestSeq);
  }, [atBottom, newestSeq]);
  let unseen = 0;
  for (let i = messages.length - 1; i >= 0 && messages[i]!.seq > seenSeq; i--) if (messages[i]!.senderDeviceId !== selfDeviceId) unseen++;

  // Following new messages: on while the reader is at the bottom, off once they scroll up themselves. Virtuoso's
  // own at-bottom test alone loses the bottom when many messages land at once (their sizes are still estimates).
  const follow = useRef(true);
  const lastScroll = useRef({ top: 0, height: 0 });
  // While rows keep arriving (a burst, a sync), Virtuoso corrects its estimated row sizes by moving the scroll
  // position itself, up as well as down: only a move up once the rows have settled is the reader's.
  const rowsChangedAt = useRef(0);
  useEffect(() => {
    rowsChangedAt.current = performance.now();
  }, [rows.length]);
  const onScroll = (event: UIEvent<HTMLElement>) => {
    const { scrollTop, scrollHeight } = event.currentTarget;
    const isSettled = performance.now() - rowsChangedAt.current > SETTLE_MS;
    if (isSettled && scrollTop < lastScroll.current.top - 1 && scrollHeight === lastScroll.current.height) follow.current = false; // moved up, content unchanged: the reader did it
    lastScroll.current = { top: scrollTop, height: scrollHeight };
  };
  const onAtBottom = (isAtBottom: boolean) => {
    if (isAtBottom) follow.current = true;
    setAtBottom(isAtBottom);
  };

  // Something this side just wrote goes to the bottom and is shown there, wherever the reader was.
  const written = pending.length + uploads.length;
  const writtenBefore = useRef(written);
  useEffect(() => {
    if (written > writtenBefore.current) virtuoso.current?.scrollToIndex({ index: "LAST", align: "end" });
    writtenBefore.current = written;
  }, [written]);

  let lastOwnSeq = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.senderDeviceId === selfDeviceId) {
      lastOwnSeq = messages[i]!.seq;
      break;
    }
  }

  const renderRow = (_: number, row: Row) => {
    if (row.kind === "upload")
      return (
        <div className="flex flex-col items-end">
          <UploadCard upload={row.upload} onDismiss={() => props.onDismissUpload(row.upload.id)} />
        </div>
      );
    if (row.kind === "pending") {
      const o = row.outgoing;
      return (
        <>
          {row.startsDay && <DaySeparator iso={new Date().toISOString()} locale={locale} />}
          <div className="flex flex-col items-end">
          <Content body={o.body} attachment={o.attachment ?? null} isOwn label={t("you")} faded onOpen={setViewing} />
          {o.status === "failed" ? (
            <span className="mt-0.5 flex items-center gap-2 px-1 text-[11px] text-red-600">
              {t("notSent", { error: o.error ?? t("refused") })}
              <button type="button" onClick={() => props.onDiscard(o.clientMsgId)} className="font-semibold underline hover:text-red-800">
                {t("dismiss")}
              </button>
            </span>
          ) : (
            <span className="mt-0.5 flex items-center gap-1 px-1 text-[11px] text-slate-500">
              <ClockIcon className="h-3 w-3" />
              {t("sending")}
            </span>
          )}
          </div>
        </>
      );
    }
    const m = row.message;
    const isOwn = m.senderDeviceId === selfDeviceId;
    return (
      <>
        {row.startsDay && <DaySeparator iso={m.createdAt} locale={locale} />}
        <div className={`flex flex-col ${isOwn ? "items-end" : "items-start"}`}>
        <Content body={m.body} attachment={m.attachment} isOwn={isOwn} label={isOwn ? t("you") : peerLabel} onOpen={setViewing} />
        <span className="mt-0.5 flex items-center gap-1 px-1 text-[11px] text-slate-500">
          {time(m.createdAt, locale)}
          {isOwn && <Mark label={m.seq <= peerLastReadSeq ? t("read") : t("delivered")} isRead={m.seq <= peerLastReadSeq} withText={m.seq === lastOwnSeq} />}
        </span>
        </div>
      </>
    );
  };

  if (rows.length === 0) {
    return (
      <ol role="log" aria-label={t("messages")} aria-live="polite" className="flex flex-1 flex-col p-4">
        <li className="m-auto text-sm text-slate-500">{loaded ? emptyText : t("loading")}</li>
      </ol>
    );
  }
  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <Virtuoso<Row, Context>
        ref={virtuoso}
        role="log"
        aria-label={t("messages")}
        aria-live="polite"
        className="min-h-0 flex-1 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-600"
        data={rows}
        context={{ hasMore, loadingOlder, locale }}
        computeItemKey={rowKey}
        itemContent={renderRow}
        components={COMPONENTS}
        firstItemIndex={firstItemIndex}
        initialTopMostItemIndex={{ index: "LAST", align: "end" }}
        alignToBottom
        followOutput={(isAtBottom) => (isAtBottom || follow.current ? "auto" : false)}
        onScroll={onScroll}
        atBottomThreshold={60}
        atBottomStateChange={onAtBottom}
        atTopThreshold={400}
        atTopStateChange={setAtTop}
        increaseViewportBy={{ top: 600, bottom: 200 }}
      />
      {!atBottom && (
        <button
          type="button"
          aria-label={unseen > 0 ? undefined : t("jumpToLatestLabel")}
          onClick={() => virtuoso.current?.scrollToIndex({ index: "LAST", align: "end", behavior: "smooth" })}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full bg-white px-3.5 py-1.5 text-xs font-semibold text-brand-700 shadow-md ring-1 ring-slate-200 hover:bg-brand-50 focus-visible:outline-2 focus-visible:outline-brand-600"
        >
          {unseen > 0 ? (unseen === 1 ? t("newMessages") : t("newMessagesCount", { count: unseen })) : t("jumpToLatest")}
        </button>
      )}
      {viewing && <ImageViewer attachment={viewing} onClose={() => setViewing(null)} />}
    </div>
  );
}

// Virtuoso's building blocks, made once (a new component type per render would remount every row).
// Spacing is padding inside each row, never margins between rows: Virtuoso measures rows by their boxes.
function List({ ref, style, children, ...rest }: ListProps) {
  return (
    <ol ref={ref as Ref<HTMLOListElement>} style={style} {...rest} className="px-4">
      {children}
    </ol>
  );
}

function Item({ item, children, ...rest }: ItemProps<Row>) {
  return (
    <li {...rest} data-seq={item.kind === "message" ? item.message.seq : undefined} className="flex flex-col pb-2">
      {children}
    </li>
  );
}

function Header({ context }: { context?: Context }) {
  // One height whatever it says, so that the rows below never move when it changes.
  const text = context?.loadingOlder ? translate(chatMessages, context.locale, "loadingOlder") : context && !context.hasMore ? translate(chatMessages, context.locale, "startOfConversation") : "";
  return <div className="flex h-10 items-center justify-center text-[11px] text-slate-400">{text}</div>;
}

const Footer = () => <div className="h-2" />;

const COMPONENTS = { List, Item, Header, Footer };

/** A day's heading in the log: a separator, not a list item, so the log's items stay its messages. */
function DaySeparator({ iso, locale }: { iso: string; locale: Locale }) {
  const label = dayLabel(iso, locale);
  return (
    <div role="separator" aria-label={label} className="flex items-center gap-3 self-stretch pb-2 pt-1 text-[11px] font-medium text-slate-500">
      <span aria-hidden className="h-px flex-1 bg-slate-200" />
      <span aria-hidden>{label}</span>
      <span aria-hidden className="h-px flex-1 bg-slate-200" />
    </div>
  );
}

/**
 * Where one's own stored message stands: one check when delivered (stored), two when the peer has read it. Named
 * for assistive technology and by tooltip, not by colour alone; the newest own message also says it in words.
 */
function Mark({ label, isRead, withText }: { label: string; isRead: boolean; withText: boolean }) {
  const icon = <ChecksIcon double={isRead} className={`h-3.5 w-3.5 ${isRead ? "text-brand-600" : "text-slate-400"}`} />;
  if (!withText)
    return (
      <span role="img" aria-label={label} title={label} className="inline-flex">
        {icon}
      </span>
    );
  return (
    <span title={label} className="inline-flex items-center gap-0.5">
      {icon}
      <span>{label}</span>
    </span>
  );
}

/** Message text as React nodes: http(s) addresses become links that open in a new tab; everything else stays text. */
export function LinkifiedText({ text }: { text: string }): ReactNode {
  return linkify(text).map((part, i) =>
    part.kind === "link" ? (
      <a key={i} href={part.href} target="_blank" rel="noopener noreferrer nofollow" className="break-all underline underline-offset-2">
        {part.text}
      </a>
    ) : (
      <Fragment key={i}>{part.text}</Fragment>
    ),
  );
}

type ContentProps = { body: string; attachment: UploadView | null; isOwn: boolean; label: string; faded?: boolean; onOpen: (attachment: UploadView) => void };

function Content({ body, attachment, isOwn, label, faded, onOpen }: ContentProps) {
  if (attachment?.kind === "image") return <ImageMessage attachment={attachment} caption={body} isOwn={isOwn} label={label} faded={faded} onOpen={onOpen} />;
  if (attachment) return <FileMessage attachment={attachment} caption={body} isOwn={isOwn} label={label} faded={faded} />;
  return <Bubble isOwn={isOwn} body={body} label={label} faded={faded} />;
}

function Bubble({ isOwn, body, label, faded }: { isOwn: boolean; body: string; label: string; faded?: boolean }) {
  return (
    <p
      aria-label={`${label}: ${body}`}
      className={`max-w-[80%] whitespace-pre-wrap break-words rounded-2xl px-3.5 py-2 text-sm shadow-sm ${
        isOwn ? "rounded-br-md bg-brand-600 text-white" : "rounded-bl-md bg-white text-slate-900 ring-1 ring-slate-200"
      } ${faded ? "opacity-70" : ""}`}
    >
      <LinkifiedText text={body} />
    </p>
  );
}

function ChecksIcon({ double, className }: { double: boolean; className?: string }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" aria-hidden className={className}>
      {double ? (
        <>
          <path d="m1.5 12.5 4.5 4.5L16.5 6.5" />
          <path d="m11.5 16 1 1L23 6.5" />
        </>
      ) : (
        <path d="m4.5 12.5 4.5 4.5L19.5 6.5" />
      )}
    </svg>
  );
}

function ClockIcon({ className }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" aria-hidden className={className}>
      <circle cx="12" cy="12" r="9" />
      <path d="M12 7v5l3 2" />
    </svg>
  );
}
