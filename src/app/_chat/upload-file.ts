import type { UploadView } from "../../server/socket/contract.ts";
import type { ChatMessageKey } from "../_i18n/messages/chat.ts";

/** What the server accepts (it judges by content; this only narrows the file picker). */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
export const ACCEPTED_TYPES = [...IMAGE_TYPES, "application/pdf"].join(",");

// Chosen by HTTP status, not by body: a balancer in front of the nodes may answer 413 itself, in HTML.
const KEY_BY_STATUS: Record<number, ChatMessageKey> = {
  401: "uploadSessionEnded",
  413: "uploadTooBig",
  415: "uploadWrongType",
  429: "uploadTooMany",
};

/** Why an upload failed: a text of src/app/_i18n/messages/chat.ts (shown in the page's language), or the server's own words. */
export class UploadError extends Error {
  constructor(readonly reason: { key: ChatMessageKey; vars?: Record<string, string | number> } | { text: string }) {
    super("key" in reason ? reason.key : reason.text);
  }
}

type UploadOptions = { conversationId: string; file: File; token?: string; signal: AbortSignal; onProgress: (fraction: number) => void };

/**
 * POST /api/uploads with the file. XMLHttpRequest rather than fetch: only it reports upload progress.
 * A visitor proves who it is with its token; an agent's session cookie goes along by itself (same origin).
 */
export function uploadFile({ conversationId, file, token, signal, onProgress }: UploadOptions): Promise<UploadView> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append("conversationId", conversationId); // before the file: the server checks access before it reads the file
    form.append("file", file, file.name || "file");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/uploads");
    if (token) xhr.setRequestHeader("authorization", `Bearer ${token}`);
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      const reply = xhr.response as { ok: true; data: { upload: UploadView } } | { ok: false; error?: { message?: string } } | null;
      if (xhr.status === 200 && reply?.ok) return resolve(reply.data.upload);
      const serverMessage = reply && !reply.ok ? reply.error?.message : undefined;
      const key = KEY_BY_STATUS[xhr.status];
      reject(new UploadError(key ? { key } : serverMessage ? { text: serverMessage } : { key: "uploadFailedStatus", vars: { status: xhr.status } }));
    };
    xhr.onerror = () => reject(new UploadError({ key: "uploadNetwork" }));
    xhr.onabort = () => reject(new Error("Cancelled"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

/** "84 KB": sizes as people read them (1 KB = 1,024 bytes, as file managers count). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
