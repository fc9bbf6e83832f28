"use client";

import { useEffect, useRef, useState } from "react";
import type { UploadView } from "../../server/socket/contract.ts";
import { useT } from "../_i18n/i18n-provider.tsx";
import { chatMessages } from "../_i18n/messages/chat.ts";
import type { PendingUpload } from "./chat-client.ts";
import { formatSize } from "./upload-file.ts";

const MAX_WIDTH = 240;
const MAX_HEIGHT = 320;

/** The size an image takes in the log, known before it loads (from the stored width and height), so nothing jumps. */
function displaySize({ width, height }: UploadView): { width: number; height: number } | undefined {
  if (!width || !height) return undefined;
  const scale = Math.min(1, MAX_WIDTH / width, MAX_HEIGHT / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

const bubbleTone = (isOwn: boolean) => (isOwn ? "rounded-br-md bg-brand-600 text-white" : "rounded-bl-md bg-white text-slate-900 ring-1 ring-slate-200");

type AttachmentProps = { attachment: UploadView; caption: string; isOwn: boolean; label: string; faded?: boolean };

/** An image message: the preview, a button that opens it full size, and its caption below. */
export function ImageMessage({ attachment, caption, isOwn, label, faded, onOpen }: AttachmentProps & { onOpen: (attachment: UploadView) => void }) {
  const t = useT(chatMessages);
  const size = displaySize(attachment);
  return (
    <figure aria-label={`${label}: ${attachment.name}`} className={`max-w-[80%] overflow-hidden rounded-2xl shadow-sm ${bubbleTone(isOwn)} ${faded ? "opacity-70" : ""}`}>
      <button
        type="button"
        aria-haspopup="dialog"
        aria-label={t("enlarge", { name: attachment.name })}
        onClick={() => onOpen(attachment)}
        className="block cursor-zoom-in focus-visible:outline-2 focus-visible:-outline-offset-4 focus-visible:outline-white"
      >
        <img
          src={attachment.thumbnailUrl ?? attachment.url}
          alt={attachment.name}
          width={size?.width}
          height={size?.height}
          loading="lazy"
          draggable={false} // dragged within the page it would carry the image as a file, and a drop on the log would send it again
          className={`block h-auto max-w-full bg-slate-200 ${size ? "" : "max-h-80 w-60 object-contain"}`}
        />
      </button>
      {caption && <figcaption className="whitespace-pre-wrap break-words px-3.5 py-2 text-sm">{caption}</figcaption>}
    </figure>
  );
}

/** A file message (a PDF): a named download link with its size, and its caption below. */
export function FileMessage({ attachment, caption, isOwn, label, faded }: AttachmentProps) {
  const t = useT(chatMessages);
  const size = formatSize(attachment.size);
  return (
    <figure aria-label={`${label}: ${attachment.name}`} className={`max-w-[80%] rounded-2xl shadow-sm ${bubbleTone(isOwn)} ${faded ? "opacity-70" : ""}`}>
      <a
        href={attachment.url}
        download={attachment.name}
        rel="noopener noreferrer"
        aria-label={t("downloadFile", { name: attachment.name, size })}
        className="flex min-w-52 items-center gap-3 rounded-2xl px-3 py-2.5 hover:bg-black/5 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        <FileIcon className={`h-9 w-9 shrink-0 ${isOwn ? "text-white/90" : "text-brand-600"}`} />
        <span className="min-w-0 flex-1">
          <span className="block truncate text-sm font-semibold">{attachment.name}</span>
          <span className={`block text-xs ${isOwn ? "text-white/80" : "text-slate-500"}`}>{size}</span>
        </span>
        <DownloadIcon className="h-5 w-5 shrink-0 opacity-80" />
      </a>
      {caption && <figcaption className="whitespace-pre-wrap break-words px-3.5 pb-2 text-sm">{caption}</figcaption>}
    </figure>
  );
}

/** A file still on its way to the server, with a progress bar; or the reason it was refused, and a way to clear it. */
export function UploadCard({ upload, onDismiss }: { upload: PendingUpload; onDismiss: () => void }) {
  const t = useT(chatMessages);
  const percent = Math.round(upload.progress * 100);
  const isFailed = upload.status === "failed";
  const [isPreviewBroken, setPreviewBroken] = useState(false); // a file that only claimed to be an image
  return (
    <div className={`w-64 max-w-[80%] rounded-2xl rounded-br-md bg-white p-3 shadow-sm ring-1 ${isFailed ? "ring-red-300" : "ring-slate-200"}`}>
      <div className="flex items-center gap-3">
        {upload.previewUrl && !isPreviewBroken ? (
          <img src={upload.previewUrl} alt="" onError={() => setPreviewBroken(true)} className="h-11 w-11 shrink-0 rounded-lg bg-slate-100 object-cover" />
        ) : (
          <FileIcon className="h-11 w-11 shrink-0 text-slate-400" />
        )}
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium text-slate-900">{upload.name}</p>
          <p className="text-xs text-slate-500">
            {formatSize(upload.size)}
            {/* The progress bar carries the number; as text in the live log it would be read out at every percent. */}
            {!isFailed && <span aria-hidden> · {percent}%</span>}
          </p>
        </div>
        <button
          type="button"
          onClick={onDismiss}
          aria-label={isFailed ? t("dismissFile", { name: upload.name }) : t("cancelSending", { name: upload.name })}
          className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-brand-600"
        >
          <CloseIcon className="h-4 w-4" />
        </button>
      </div>
      {isFailed ? (
        <p role="alert" className="mt-2 text-xs font-medium text-red-700">
          <span className="sr-only">{upload.name}: </span>
          {t("uploadNotSent")} {upload.error && ("key" in upload.error ? t(upload.error.key, upload.error.vars) : upload.error.text)}
        </p>
      ) : (
        <div
          role="progressbar"
          aria-label={t("uploading", { name: upload.name })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-200"
        >
          <div className="h-full rounded-full bg-brand-600 transition-[width] duration-150" style={{ width: `${percent}%` }} />
        </div>
      )}
    </div>
  );
}

/**
 * The full image over everything, as a modal <dialog>: the browser traps focus in it, closes it on Escape
 * and gives focus back to the thumbnail's button afterwards.
 */
export function ImageViewer({ attachment, onClose }: { attachment: UploadView; onClose: () => void }) {
  const t = useT(chatMessages);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    // Unmounting takes it out of the top layer; closing it there would fire a late "close" into React.
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  const close = () => dialog.current?.close();
  return (
    <dialog
      ref={dialog}
      aria-label={attachment.name}
      onClose={onClose}
      // The visitor window closes the whole chat on Escape; here Escape closes only the picture.
      onKeyDown={(event) => event.key === "Escape" && event.stopPropagation()}
      className="m-0 h-full max-h-none w-full max-w-none bg-transparent p-0 text-white backdrop:bg-slate-950/85 backdrop:backdrop-blur-sm"
    >
      <div className="flex h-full flex-col">
        <div className="flex items-center gap-2 px-4 py-3">
          <p className="min-w-0 flex-1 truncate text-sm font-medium">{attachment.name}</p>
          <button
            type="button"
            onClick={close}
            className="flex items-center gap-1.5 rounded-lg bg-white/10 px-3 py-1.5 text-sm font-medium hover:bg-white/20 focus-visible:outline-2 focus-visible:outline-white"
          >
            <CloseIcon className="h-4 w-4" />
            {t("close")}
          </button>
          <a
            href={attachment.url}
            download={attachment.name}
            rel="noopener noreferrer"
            className="flex items-center gap-1.5 rounded-lg bg-white/10 px-3 py-1.5 text-sm font-medium hover:bg-white/20 focus-visible:outline-2 focus-visible:outline-white"
          >
            <DownloadIcon className="h-4 w-4" />
            {t("download")}
          </a>
        </div>
        {/* Clicking beside the picture closes it, as on the backdrop of any lightbox. */}
        <div className="flex min-h-0 flex-1 items-center justify-center p-4 pt-0" onClick={(event) => event.target === event.currentTarget && close()}>
          <img src={attachment.url} alt={attachment.name} className="max-h-full max-w-full rounded-md object-contain shadow-2xl" />
        </div>
      </div>
    </dialog>
  );
}

type IconProps = { className?: string };

export function PaperclipIcon({ className }: IconProps) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden className={className}>
      <path d="m21.4 11.1-8.5 8.5a5.5 5.5 0 0 1-7.8-7.8l8.5-8.5a3.7 3.7 0 0 1 5.2 5.2l-8.5 8.5a1.8 1.8 0 0 1-2.6-2.6l7.8-7.8" />
    </svg>
  );
}

function FileIcon({ className }: IconProps) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden className={className}>
      <path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z" />
      <path d="M14 3v5h5M9 13h6M9 17h4" />
    </svg>
  );
}

function DownloadIcon({ className }: IconProps) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden className={className}>
      <path d="M12 4v11m0 0-4-4m4 4 4-4M5 20h14" />
    </svg>
  );
}

function CloseIcon({ className }: IconProps) {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" aria-hidden className={className}>
      <path d="M6 6l12 12M18 6 6 18" />
    </svg>
  );
}
