import { z } from "zod";

/** An agent signs in with an email address or a phone number; both are stored normalised. */
export type Identifier = { email: string; phone?: undefined } | { phone: string; email?: undefined };

const emailSchema = z.email().transform((email) => email.toLowerCase());
// Spaces, dashes, dots and brackets are how people write numbers; only the digits (and a leading +) identify one.
const phoneSchema = z
  .string()
  .regex(/^\+?[\d\s().-]{6,24}$/)
  .transform((phone) => (phone.startsWith("+") ? "+" : "") + phone.replace(/\D/g, ""))
  .refine((digits) => digits.replace("+", "").length >= 6 && digits.replace("+", "").length <= 15);

export const identifierSchema = z
  .string()
  .trim()
  .min(1, "Enter an email address or a phone number")
  .max(254)
  .transform((raw, ctx): Identifier => {
    const email = emailSchema.safeParse(raw);
    if (email.success) return { email: email.data };
    const phone = phoneSchema.safeParse(raw);
    if (phone.success) return { phone: phone.data };
    ctx.addIssue({ code: "custom", message: "Enter a valid email address or phone number" });
    return z.NEVER;
  });
