import type { UploadKind } from "../../generated/prisma/enums.ts";

type AcceptedType = { kind: UploadKind; extension: string };

// What may be uploaded, by the type sniffed from the content. Everything else (SVG, HTML, scripts,
// executables, archives, text) is refused: a file that a browser could run as a page must never be served.
const ACCEPTED: Record<string, AcceptedType> = {
  "image/png": { kind: "IMAGE", extension: "png" },
  "image/apng": { kind: "IMAGE", extension: "png" }, // an animated PNG is a PNG with extra chunks
  "image/jpeg": { kind: "IMAGE", extension: "jpg" },
  "image/gif": { kind: "IMAGE", extension: "gif" },
  "image/webp": { kind: "IMAGE", extension: "webp" },
  "application/pdf": { kind: "FILE", extension: "pdf" },
};

/** The kind and storage extension of a sniffed MIME type, or null if uploads of that type are refused. */
export const acceptedType = (mime: string | undefined): AcceptedType | null => (mime !== undefined && Object.hasOwn(ACCEPTED, mime) ? ACCEPTED[mime]! : null);
