import { redirect } from "next/navigation";
import { currentAgent } from "../../auth.ts";
import { signInAction } from "../actions.ts";
import { AuthForm } from "../auth-form.tsx";

export const metadata = { title: "Sign in · Parley" };

export default async function SignInPage() {
  if (await currentAgent()) redirect("/admin");
  return <AuthForm mode="sign-in" action={signInAction} />;
}
