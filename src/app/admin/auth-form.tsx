"use client";

import Link from "next/link";
import { useActionState } from "react";
import { authMessages } from "../_i18n/messages/auth.ts";
import { useT } from "../_i18n/i18n-provider.tsx";
import type { FormState } from "./actions.ts";

type Props = {
  mode: "sign-in" | "sign-up";
  action: (state: FormState, form: FormData) => Promise<FormState>;
};

const inputClass =
  "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100";

export function AuthForm({ mode, action }: Props) {
  const t = useT(authMessages);
  const [state, formAction, pending] = useActionState(action, {});
  const isSignUp = mode === "sign-up";
  const wait = (ms: number) => {
    const seconds = Math.ceil(ms / 1000);
    if (seconds < 60) return seconds === 1 ? t("second") : t("seconds", { n: seconds });
    const minutes = Math.ceil(seconds / 60);
    return minutes === 1 ? t("minute") : t("minutes", { n: minutes });
  };
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <form action={formAction} className="w-full max-w-sm space-y-4 rounded-2xl bg-white p-8 shadow-lg ring-1 ring-slate-200">
        <div>
          <p className="text-sm font-semibold tracking-wide text-brand-600">{t("brand")}</p>
          <h1 className="mt-1 text-2xl font-bold">{isSignUp ? t("signUpHeading") : t("signInHeading")}</h1>
        </div>
        {isSignUp && (
          <label className="block text-sm font-medium">
            {t("name")}
            <input name="name" required autoComplete="name" defaultValue={state.values?.name} className={inputClass} />
          </label>
        )}
        <label className="block text-sm font-medium">
          {t("identifier")}
          <input name="identifier" required autoComplete="username" defaultValue={state.values?.identifier} className={inputClass} />
        </label>
        <label className="block text-sm font-medium">
          {t("password")}
          <input
            name="password"
            type="password"
            required
            minLength={isSignUp ? 8 : undefined}
            autoComplete={isSignUp ? "new-password" : "current-password"}
            className={inputClass}
          />
        </label>
        {state.error && (
          <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700">
            {t(state.error.key, { wait: wait(state.error.waitMs ?? 0) })}
          </p>
        )}
        <button
          type="submit"
          disabled={pending}
          className="w-full rounded-lg bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-60"
        >
          {isSignUp ? t("createAccount") : t("signIn")}
        </button>
        <p className="text-center text-sm text-slate-600">
          {isSignUp ? t("haveAccount") : t("newHere")}
          <Link href={isSignUp ? "/admin/sign-in" : "/admin/sign-up"} className="font-medium text-brand-600 hover:underline">
            {isSignUp ? t("signIn") : t("createAnAccount")}
          </Link>
        </p>
      </form>
    </main>
  );
}
