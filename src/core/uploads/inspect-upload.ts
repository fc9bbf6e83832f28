import { fileTypeFromBuffer } from "file-type";
import sharp from "sharp";
import type { UploadKind } from "../../generated/prisma/enums.ts";
import { ChatError } from "../errors.ts";
import { acceptedType } from "./accepted-types.ts";

const THUMBNAIL_MAX_SIDE = 480;
// A small compressed image can declare a huge canvas (a decompression bomb); past this, decoding it to
// make a thumbnail would cost seconds of CPU and hundreds of MB, so such images are refused.
const MAX_IMAGE_PIXELS = 100_000_000;

type InspectedFile = {
  mime: string;
  kind: UploadKind;
  extension: string;
  width: number | null;
  height: number | null;
  thumbnail: Buffer | null;
};

/** What a file is, judged by its bytes only (never by its name or declared type), with a thumbnail for large images. */
export async function inspectUpload(bytes: Uint8Array): Promise<InspectedFile> {
  const mime = (await fileTypeFromBuffer(bytes))?.mime;
  const type = acceptedType(mime);
  if (!type) throw new ChatError("UNSUPPORTED_MEDIA_TYPE", "only PNG, JPEG, GIF and WebP images and PDF files can be uploaded");
  const file = { mime: mime!, kind: type.kind, extension: type.extension };
  if (type.kind === "FILE") return { ...file, width: null, height: null, thumbnail: null };
  return { ...file, ...(await inspectImage(bytes)) };
}

async function inspectImage(bytes: Uint8Array) {
  let width: number, height: number;
  try {
    // Only the header is read here, so no pixel limit yet: a too-large image gets its own answer below.
    // Displayed size: a phone photo stored sideways with an EXIF rotation is shown upright.
    ({ width, height } = (await sharp(bytes, { limitInputPixels: false }).metadata()).autoOrient);
  } catch (err) {
    throw new ChatError("UNSUPPORTED_MEDIA_TYPE", "the image could not be read", { cause: err });
  }
  if (width * height > MAX_IMAGE_PIXELS) throw new ChatError("PAYLOAD_TOO_LARGE", `the image is larger than ${MAX_IMAGE_PIXELS / 1_000_000} megapixels`);
  const isLarge = width > THUMBNAIL_MAX_SIDE || height > THUMBNAIL_MAX_SIDE;
  if (!isLarge) return { width, height, thumbnail: null };
  try {
    const thumbnail = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS }) // the first frame of an animation
      .autoOrient()
      .resize(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE, { fit: "inside" })
      .webp()
      .toBuffer();
    return { width, height, thumbnail };
  } catch (err) {
    throw new ChatError("UNSUPPORTED_MEDIA_TYPE", "the image could not be read", { cause: err });
  }
}
