import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { translate } from "../../_i18n/locale.ts";
import { authMessages } from "../../_i18n/messages/auth.ts";
import { requestLocale } from "../../_i18n/server-locale.ts";
import { currentAgent } from "../../auth.ts";
import { signUpAction } from "../actions.ts";
import { AuthForm } from "../auth-form.tsx";

export async function generateMetadata(): Promise<Metadata> {
  return { title: translate(authMessages, await requestLocale(), "signUpTitle") };
}

export default async function SignUpPage() {
  if (await currentAgent()) redirect("/admin");
  return <AuthForm mode="sign-up" action={signUpAction} />;
}
