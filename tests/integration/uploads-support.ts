import { readdirSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import type { AckResult, UploadView } from "../../src/server/socket/contract.ts";

export type UploadReply = AckResult<{ upload: UploadView }>;
/** How the caller proves itself: a visitor's token, an agent's session cookie, or nothing. */
export type Caller = { token?: string; cookie?: string };

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 200 } } });

/** Real, small images of each accepted format, made by sharp. */
export const images = {
  png: (width = 64, height = 48) => solid(width, height).png().toBuffer(),
  jpeg: (width = 64, height = 48) => solid(width, height).jpeg().toBuffer(),
  gif: (width = 64, height = 48) => solid(width, height).gif().toBuffer(),
  webp: (width = 64, height = 48) => solid(width, height).webp().toBuffer(),
};

/**
 * A decompression bomb: a PNG of a few dozen bytes whose header declares `width` × `height` pixels
 * (written by hand; no encoder would make such a canvas cheaply).
 */
export function hugePng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const framing = Buffer.alloc(8);
    framing.writeUInt32BE(data.length, 0);
    framing.writeUInt32BE(crc32(typed), 4);
    return Buffer.concat([framing.subarray(0, 4), typed, framing.subarray(4)]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // 8 bits per sample, greyscale, no interlace
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.alloc(64))), chunk("IEND", Buffer.alloc(0))]);
}

/** A minimal valid one-page PDF, written by hand with a correct cross-reference table. */
export function pdf(): Buffer {
  const objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"];
  let text = "%PDF-1.4\n";
  const offsets = objects.map((object, i) => {
    const offset = text.length;
    text += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = text.length;
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, "latin1");
}

/** POST /api/uploads as the browser clients do: multipart with conversationId first, then the file. */
export async function upload(url: string, caller: Caller, conversationId: string | undefined, file: { bytes: Buffer; name: string; type?: string } | undefined): Promise<{ status: number; reply: UploadReply; headers: Headers }> {
  const form = new FormData();
  if (conversationId !== undefined) form.append("conversationId", conversationId);
  if (file) form.append("file", new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "application/octet-stream" }), file.name);
  const headers: Record<string, string> = {};
  if (caller.token) headers.authorization = `Bearer ${caller.token}`;
  if (caller.cookie) headers.cookie = caller.cookie;
  const response = await fetch(new URL("/api/uploads", url), { method: "POST", headers, body: form });
  return { status: response.status, reply: (await response.json()) as UploadReply, headers: response.headers };
}

/** The upload of a successful reply; a refusal fails the test with its code. */
export function uploaded({ status, reply }: { status: number; reply: UploadReply }): UploadView {
  if (!reply.ok) throw new Error(`expected an upload, got ${status} ${reply.error.code}: ${reply.error.message}`);
  return reply.data.upload;
}

/** Every file under the uploads directory (an absent directory holds none). */
export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
  } catch {
    return [];
  }
}
