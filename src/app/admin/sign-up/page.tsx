import { redirect } from "next/navigation";
import { currentAgent } from "../../auth.ts";
import { signUpAction } from "../actions.ts";
import { AuthForm } from "../auth-form.tsx";

export const metadata = { title: "Sign up · Parley" };

export default async function SignUpPage() {
  if (await currentAgent()) redirect("/admin");
  return <AuthForm mode="sign-up" action={signUpAction} />;
}
