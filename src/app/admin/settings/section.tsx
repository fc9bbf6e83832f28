import { useId, type ReactNode } from "react";

export const inputClass =
  "mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-normal shadow-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100";
export const primaryButton =
  "rounded-lg bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600";

/** One card of the settings page, named by its heading. */
export function Section({ title, hint, children }: { title: string; hint?: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="rounded-2xl bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-6">
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      {hint && <p className="mt-0.5 text-sm text-slate-500">{hint}</p>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

type FieldProps = { label: string; hint?: string; errors?: readonly string[]; children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode };

/** A labelled control with its hint and errors tied to it by aria-describedby (not inside the label, which names it). */
export function Field({ label, hint, errors = [], children }: FieldProps) {
  const id = useId();
  const describedBy = [hint && `${id}-hint`, errors.length && `${id}-errors`].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children({ id, describedBy, invalid: errors.length > 0 })}
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {errors.length > 0 && (
        <div id={`${id}-errors`}>
          {errors.map((error, i) => (
            <p key={i} className="mt-1 text-sm text-red-700">
              {error}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}
