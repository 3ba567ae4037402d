import type { ComponentPropsWithRef, ReactNode } from 'react';

// Label + control + hint + error, wired with ids so assistive tech reads them together.

export function fieldIds(id: string) {
  return { hint: `${id}-hint`, error: `${id}-error` };
}

export function describedBy(id: string, hint: ReactNode, error: string | undefined): string | undefined {
  const ids = [hint ? fieldIds(id).hint : undefined, error ? fieldIds(id).error : undefined].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function FieldMessages({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | undefined }) {
  return (
    <>
      {hint && (
        <div id={fieldIds(id).hint} className="field-hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={fieldIds(id).error} className="field-error">
          {error}
        </div>
      )}
    </>
  );
}

type TextFieldProps = ComponentPropsWithRef<'input'> & {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  isRequired?: boolean;
};

export function TextField({ id, label, hint, error, isRequired, className, ...input }: TextFieldProps) {
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>
        {label}
        {isRequired && <span className="required"> (required)</span>}
      </label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        aria-required={isRequired || undefined}
        {...input}
      />
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}

type TextAreaFieldProps = ComponentPropsWithRef<'textarea'> & {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
};

export function TextAreaField({ id, label, hint, error, ...textarea }: TextAreaFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy(id, hint, error)} {...textarea} />
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}
