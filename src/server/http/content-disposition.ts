import type { UploadKind } from "../../generated/prisma/enums.ts";

/**
 * Images open in the browser; files (PDFs) are downloaded under their display name. The plain `filename`
 * is an ASCII stand-in for old clients; `filename*` carries the real name, percent-encoded (RFC 6266, 8187).
 */
export function contentDisposition(kind: UploadKind, name: string): string {
  if (kind === "IMAGE") return "inline";
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRFC8187(name)}`;
}

// encodeURIComponent leaves !'()* alone, but RFC 8187's attr-char does not allow ' ( ) *.
const encodeRFC8187 = (value: string) => encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
