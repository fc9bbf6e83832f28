import { z } from "zod";
import type { Actor } from "../actor.ts";
import type { Db } from "../db.ts";
import { ChatError } from "../errors.ts";
import { attributesOf } from "./get-visitor-profile.ts";
import type { VisitorAttributes } from "./visitor-profile.ts";

export const MAX_ATTRIBUTES = 50;
const noNul = (value: string) => !value.includes("\0");
// Empty (or whitespace) means "forget it": a visitor can take back a name or an email.
const clearable = <T extends z.ZodType<string | null>>(schema: T) => z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? null : value), z.union([z.null(), schema]));

export const updateVisitorProfileSchema = z
  .object({
    name: clearable(z.string().trim().max(80).refine(noNul, "must not contain NUL (U+0000)")).optional(),
    email: clearable(z.email().max(254).transform((email) => email.trim())).optional(),
    // Merged into the stored attributes; a key set to null is removed.
    attributes: z
      .record(
        z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "attribute names are 1–64 of A-Z a-z 0-9 _ . -"),
        z.union([z.string().max(500).refine(noNul, "must not contain NUL (U+0000)"), z.number().refine(Number.isFinite, "must be a finite number"), z.boolean(), z.null()]),
      )
      .refine((attributes) => Object.keys(attributes).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes`)
      .optional(),
  })
  .refine((input) => input.name !== undefined || input.email !== undefined || input.attributes !== undefined, { message: "nothing to change: pass name, email or attributes" });
export type UpdateVisitorProfileInput = z.infer<typeof updateVisitorProfileSchema>;
export type OwnProfile = { name: string | null; email: string | null; attributes: VisitorAttributes };

/** What a visitor says about itself. Returns the profile as stored and whether anything changed (then agents are told). */
export async function updateVisitorProfile(db: Db, input: UpdateVisitorProfileInput, actor: Actor): Promise<{ profile: OwnProfile; changed: boolean }> {
  if (actor.kind !== "visitor") throw new ChatError("FORBIDDEN", "only a visitor may change its own profile");
  // Serializable would be stricter; the row lock of SELECT … FOR UPDATE is enough to merge two tabs' attributes without losing either.
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ name: string | null; email: string | null; attributes: unknown }[]>`SELECT "name", "email", "attributes" FROM "Device" WHERE "id" = ${actor.deviceId} FOR UPDATE`;
    if (!row) throw new ChatError("NOT_FOUND", "visitor not found");
    const before: OwnProfile = { name: row.name, email: row.email, attributes: attributesOf(row.attributes) };
    const attributes = { ...before.attributes };
    for (const [key, value] of Object.entries(input.attributes ?? {})) {
      if (value === null) delete attributes[key];
      else attributes[key] = value;
    }
    if (Object.keys(attributes).length > MAX_ATTRIBUTES) throw new ChatError("BAD_INPUT", `at most ${MAX_ATTRIBUTES} attributes per visitor`);
    const after: OwnProfile = { name: input.name === undefined ? before.name : input.name, email: input.email === undefined ? before.email : input.email, attributes };
    const changed = JSON.stringify(before) !== JSON.stringify(after);
    if (changed) await tx.device.update({ where: { id: actor.deviceId }, data: after });
    return { profile: after, changed };
  });
}
