import { identifierSchema } from "../../core/agents/identifier.ts";
import type { Limits } from "./limits.ts";

/** The account an attempt is for: its normalised email or phone, so "Ada@X.test" and "ada@x.test" count together. */
export function signInAccountKey(identifier: unknown): string {
  const parsed = identifierSchema.safeParse(identifier);
  if (parsed.success) return parsed.data.email ?? parsed.data.phone ?? "";
  return String(identifier ?? "").trim().toLowerCase().slice(0, 254); // no such account can exist, but guesses still count
}

/**
 * Counts one sign-in attempt against the account and against the address it comes from, before the password
 * is checked: counted first, a burst of parallel guesses cannot all get in before the first one is counted.
 * 0 means go ahead; otherwise the milliseconds until this account and address may try again.
 */
export async function checkSignInAllowed(limits: Limits, identifier: unknown, ip: string | undefined): Promise<number> {
  const [forAccount, forAddress] = await Promise.all([limits.consume("signInAccount", signInAccountKey(identifier)), ip ? limits.consume("signInIp", ip) : 0]);
  return Math.max(forAccount, forAddress);
}

/** After a successful sign-in the account's count starts again (the address's does not: it may be guessing at many accounts). */
export const signInSucceeded = (limits: Limits, identifier: unknown): Promise<void> => limits.reset("signInAccount", signInAccountKey(identifier));
