"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { signUpAgent, signUpAgentSchema } from "../../core/agents/sign-up-agent.ts";
import { ChatError } from "../../core/errors.ts";
import { CLIENT_ADDRESS_HEADER } from "../../server/http/client-address.ts";
import { describeWait } from "../../server/limits/describe-wait.ts";
import { sharedLimits } from "../../server/limits/shared-limits.ts";
import { db } from "../_lib/server-context.ts";
import { signIn, signOut, TooManySignInAttempts } from "../auth.ts";

export type FormState = { error?: string; values?: Record<string, string> };

const field = (form: FormData, name: string) => String(form.get(name) ?? "");

export async function signInAction(_state: FormState, form: FormData): Promise<FormState> {
  const identifier = field(form, "identifier");
  try {
    await signIn("credentials", { identifier, password: field(form, "password"), redirectTo: "/admin" });
    return {};
  } catch (err) {
    // signIn redirects by throwing; only its AuthError means the credentials were refused
    if (err instanceof TooManySignInAttempts) return { error: `Too many attempts, try again in ${describeWait(err.retryAfterMs)}.`, values: { identifier } };
    if (err instanceof AuthError) return { error: "Wrong email, phone number or password.", values: { identifier } };
    throw err;
  }
}

export async function signUpAction(_state: FormState, form: FormData): Promise<FormState> {
  const values = { identifier: field(form, "identifier"), name: field(form, "name") };
  const input = signUpAgentSchema.safeParse({ ...values, password: field(form, "password") });
  if (!input.success) return { error: input.error.issues[0]?.message ?? "Check the form.", values };
  // Counted once the form is valid, so a typo costs nothing; before the password is hashed, which is the costly part.
  const address = (await headers()).get(CLIENT_ADDRESS_HEADER);
  const retryAfterMs = address ? await sharedLimits().consume("signUp", address) : 0;
  if (retryAfterMs) return { error: `Too many accounts created from this network, try again in ${describeWait(retryAfterMs)}.`, values };
  try {
    await signUpAgent(db(), input.data);
  } catch (err) {
    if (err instanceof ChatError && err.code === "CONFLICT") return { error: `${err.message}. Sign in instead?`, values };
    throw err;
  }
  await signIn("credentials", { identifier: values.identifier, password: field(form, "password"), redirectTo: "/admin" });
  return {};
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/admin/sign-in" });
}
