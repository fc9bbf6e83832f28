import type { Upload } from "../../generated/prisma/client.ts";

/** An upload as clients see it (docs/protocol.md, "UploadView"). The URLs are relative to the server's origin. */
export type UploadView = {
  id: string;
  kind: "image" | "file";
  mime: string;
  size: number;
  name: string;
  width: number | null;
  height: number | null;
  url: string;
  thumbnailUrl: string | null;
};

const uploadPath = (id: string): string => `/api/uploads/${id}`;

export const toUploadView = (row: Upload): UploadView => ({
  id: row.id,
  kind: row.kind === "IMAGE" ? "image" : "file",
  mime: row.mime,
  size: row.size,
  name: row.name,
  width: row.width,
  height: row.height,
  url: uploadPath(row.id),
  thumbnailUrl: row.thumbnailKey ? `${uploadPath(row.id)}/thumbnail` : null,
});
