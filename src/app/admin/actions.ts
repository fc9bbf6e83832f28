"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { signUpAgent, signUpAgentSchema } from "../../core/agents/sign-up-agent.ts";
import { ChatError } from "../../core/errors.ts";
import { CLIENT_ADDRESS_HEADER } from "../../server/http/client-address.ts";
import { sharedLimits } from "../../server/limits/shared-limits.ts";
import { db } from "../_lib/server-context.ts";
import { signIn, signOut, TooManySignInAttempts } from "../auth.ts";

/** Which refusal to show (the form words it in the page's language); `waitMs`: how long until trying again helps. */
export type AuthErrorKey = "wrongCredentials" | "tooManyAttempts" | "tooManySignUps" | "emailTaken" | "phoneTaken" | "enterName" | "shortPassword" | "badIdentifier";
export type FormState = { error?: { key: AuthErrorKey; waitMs?: number }; values?: Record<string, string> };

const field = (form: FormData, name: string) => String(form.get(name) ?? "");

export async function signInAction(_state: FormState, form: FormData): Promise<FormState> {
  const identifier = field(form, "identifier");
  try {
    await signIn("credentials", { identifier, password: field(form, "password"), redirectTo: "/admin" });
    return {};
  } catch (err) {
    // signIn redirects by throwing; only its AuthError means the credentials were refused
    if (err instanceof TooManySignInAttempts) return { error: { key: "tooManyAttempts", waitMs: err.retryAfterMs }, values: { identifier } };
    if (err instanceof AuthError) return { error: { key: "wrongCredentials" }, values: { identifier } };
    throw err;
  }
}

const INVALID_FIELD: Record<string, AuthErrorKey> = { name: "enterName", password: "shortPassword", identifier: "badIdentifier" };

export async function signUpAction(_state: FormState, form: FormData): Promise<FormState> {
  const values = { identifier: field(form, "identifier"), name: field(form, "name") };
  const input = signUpAgentSchema.safeParse({ ...values, password: field(form, "password") });
  if (!input.success) return { error: { key: INVALID_FIELD[String(input.error.issues[0]?.path[0])] ?? "badIdentifier" }, values };
  // Counted once the form is valid, so a typo costs nothing; before the password is hashed, which is the costly part.
  const address = (await headers()).get(CLIENT_ADDRESS_HEADER);
  const retryAfterMs = address ? await sharedLimits().consume("signUp", address) : 0;
  if (retryAfterMs) return { error: { key: "tooManySignUps", waitMs: retryAfterMs }, values };
  try {
    await signUpAgent(db(), input.data);
  } catch (err) {
    if (err instanceof ChatError && err.code === "CONFLICT") return { error: { key: input.data.identifier.email ? "emailTaken" : "phoneTaken" }, values };
    throw err;
  }
  await signIn("credentials", { identifier: values.identifier, password: field(form, "password"), redirectTo: "/admin" });
  return {};
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/admin/sign-in" });
}
