import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A new per-site identity secret: 32 random bytes as 64 hex digits (what the migration gives existing agents too). */
export const newIdentitySecret = (): string => randomBytes(32).toString("hex");

/** What the site's server computes for each of its users: HMAC-SHA256(identitySecret, userId), lowercase hex. */
export const userHashOf = (identitySecret: string, userId: string): string => createHmac("sha256", identitySecret).update(userId, "utf8").digest("hex");

/** Whether `userHash` proves `userId` under this secret; compared in constant time, case-insensitively. */
export function isValidUserHash(identitySecret: string, userId: string, userHash: string): boolean {
  const expected = Buffer.from(userHashOf(identitySecret, userId), "hex");
  const given = Buffer.from(userHash.toLowerCase(), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Names a secret without revealing it: a verified visitor's token records which secret proved it, so
 * that rotating the secret invalidates the tokens it proved instead of leaving them good until expiry.
 */
export const identityKeyOf = (identitySecret: string): string => createHash("sha256").update(`parley:identity-key:${identitySecret}`).digest("hex").slice(0, 16);
