import { zodResolver } from '@hookform/resolvers/zod';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Controller, get, useForm, useWatch, type FieldErrors } from 'react-hook-form';
import { useBlocker } from 'react-router';
import { GRANT_TYPES, isFhirId, type ClientApplication } from '../../../model/client-application.ts';
import { checkDisplayUri } from '../../../model/display-uri.ts';
import { isFhirError } from '../../../fhir/fhir-error.ts';
import { useUnsavedChangesRegistration } from '../../app/unsaved-changes.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { FieldMessages, TextAreaField, TextField, describedBy } from '../../ui/field.tsx';
import { GRANT_TYPE_DESCRIPTIONS } from '../grant-types.ts';
import { clientApplicationQueries } from '../queries.ts';
import {
  CONTACT_SYSTEMS,
  FORM_ROOT,
  checkFormValues,
  clientApplicationFormSchema,
  issuesByField,
  type ClientApplicationFormValues,
} from './form-values.ts';
import { PRESETS, PRESET_LABELS, presetValues, type Preset } from './presets.ts';
import { RedirectUrisField } from './redirect-uris-field.tsx';
import { ScopesField } from './scopes-field.tsx';

// The sectioned ClientApplication form (Keycloak's layout), shared by New and Settings.
// Validation is the model's, through one resolver schema. What is wrong is shown as the admin
// types (touched or changed fields; the SPEC §5 cross-field rules at once), so nothing waits for
// a submit to be explained; server OperationOutcome issues land on the same fields.

export interface SubmitContext {
  /** Create: the client gets a generated secret. */
  isConfidential: boolean;
}

export interface ClientApplicationFormProps {
  mode: 'create' | 'edit';
  defaultValues: ClientApplicationFormValues;
  /** The stored resource (edit): keeps fields the form does not show, such as responseTypes. */
  base?: ClientApplication;
  /** Resolves with what was saved; rejects with the server's error (mapped onto the fields). */
  onSubmit: (resource: ClientApplication, context: SubmitContext) => Promise<ClientApplication>;
  /** Called after a successful submit, once the form is clean (navigate from here). */
  onSubmitted?: (saved: ClientApplication, context: SubmitContext) => void;
  /** Edit only: a 412 (someone else saved first). */
  onConflict?: () => void;
  onDirtyChange?: (isDirty: boolean) => void;
  submitLabel: string;
  /** Rendered after the sections, inside the form. */
  children?: ReactNode;
}

function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

export function ClientApplicationForm(props: ClientApplicationFormProps) {
  const { mode, defaultValues, base, onSubmit, onSubmitted, onConflict, onDirtyChange, submitLabel, children } = props;
  const isCreate = mode === 'create';
  const schema = useMemo(() => clientApplicationFormSchema({ isIdRequired: isCreate, base }), [isCreate, base]);
  const form = useForm<ClientApplicationFormValues, unknown, ClientApplication>({
    resolver: zodResolver(schema),
    defaultValues,
    mode: 'onSubmit',
    reValidateMode: 'onChange',
  });
  const { register, control, handleSubmit, formState, setError, reset, setValue, getValues } = form;
  const [formError, setFormError] = useState<string>();
  const [preset, setPreset] = useState<Preset | undefined>(isCreate ? undefined : 'custom');
  // Set after a successful submit; its effect runs once the form is clean, so navigating from
  // onSubmitted is not blocked as "unsaved changes".
  const [submitted, setSubmitted] = useState<{ saved: ClientApplication; context: SubmitContext }>();

  const values = useWatch({ control }) as ClientApplicationFormValues;
  const live = useMemo(() => issuesByField(checkFormValues(values, { isIdRequired: isCreate })), [values, isCreate]);

  const { isDirty, isSubmitting, submitCount, touchedFields, dirtyFields, errors } = formState;
  useUnsavedChangesRegistration(`client-application-form:${mode}`, isDirty);
  useEffect(() => {
    onDirtyChange?.(isDirty);
  }, [isDirty, onDirtyChange]);

  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => isDirty && currentLocation.pathname !== nextLocation.pathname,
  );

  useEffect(() => {
    if (submitted) onSubmitted?.(submitted.saved, submitted.context);
    // Only for a new submit, not when the parent passes a new callback.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [submitted]);

  /** The message to show at `path`: the server's, else the model's once the field was used. */
  const errorFor = (path: string, options: { always?: boolean } = {}): string | undefined => {
    const server = get(errors as FieldErrors, path) as { type?: string; message?: string; root?: { type?: string; message?: string } } | undefined;
    if (server?.type === 'server') return server.message;
    if (server?.root?.type === 'server') return server.root.message;
    const isShown =
      options.always || submitCount > 0 || get(touchedFields, path) === true || isAnyTrue(get(dirtyFields, path));
    return isShown ? live.get(path) : undefined;
  };

  const applyServerError = (error: unknown) => {
    if (isFhirError(error) && error.status === 412) {
      if (isCreate) {
        setError('id', { type: 'server', message: 'This client ID is already taken: choose another one.' }, { shouldFocus: true });
        return;
      }
      onConflict?.();
      return;
    }
    const mapped = isFhirError(error) ? issuesByField(error.issues) : new Map<string, string>();
    let rest = mapped.get(FORM_ROOT);
    let isFirst = true;
    for (const [path, message] of mapped) {
      if (path === FORM_ROOT) continue;
      setError(path as 'id', { type: 'server', message }, { shouldFocus: isFirst });
      isFirst = false;
    }
    if (mapped.size === 0 || rest) {
      rest ??= error instanceof Error ? error.message : String(error);
      setFormError(rest);
    }
  };

  const submit = handleSubmit(
    async (resource) => {
      setFormError(undefined);
      const context = { isConfidential: getValues('isConfidential') };
      try {
        const saved = await onSubmit(resource, context);
        reset(getValues());
        setSubmitted({ saved, context });
      } catch (error) {
        applyServerError(error);
      }
    },
    () => setFormError('Some fields need attention: see the messages next to them.'),
  );

  const applyPreset = (next: Preset) => {
    setPreset(next);
    const fill = presetValues(next);
    for (const key of ['grantType', 'isConfidential', 'redirectUri', 'scope'] as const) {
      setValue(key, fill[key], { shouldDirty: true });
    }
  };

  const grantType = values.grantType ?? [];
  const kind = grantType.includes('authorization_code') || grantType.length === 0 ? 'user-facing' : 'backend';

  return (
    <form
      className="client-form"
      noValidate
      onSubmit={(event) => {
        if (isSubmitting) event.preventDefault();
        else void submit(event);
      }}
    >
      {formError && (
        <div className="alert alert-error" role="alert">
          {formError}
        </div>
      )}

      {isCreate && (
        <section className="form-section" aria-labelledby="section-type">
          <h2 id="section-type">Application type</h2>
          <fieldset className="preset-grid">
            <legend className="visually-hidden">Application type</legend>
            {PRESETS.map((key) => (
              <label key={key} className={`preset-card ${preset === key ? 'preset-selected' : ''}`}>
                <input type="radio" name="preset" value={key} checked={preset === key} onChange={() => applyPreset(key)} />
                <span className="preset-title">{PRESET_LABELS[key].title}</span>
                <span className="preset-summary">{PRESET_LABELS[key].summary}</span>
              </label>
            ))}
          </fieldset>
        </section>
      )}

      <section className="form-section" aria-labelledby="section-general">
        <h2 id="section-general">General</h2>
        {isCreate ? (
          <ClientIdField
            register={register('id')}
            value={values.id ?? ''}
            error={errorFor('id')}
          />
        ) : (
          <div className="field">
            <span className="field-label" id="client-id-label">
              Client ID
            </span>
            <p aria-labelledby="client-id-label">
              <code>{defaultValues.id}</code> <span className="muted">(cannot be changed)</span>
            </p>
          </div>
        )}
        <TextField
          id="name"
          label="Name"
          isRequired
          hint="Shown to users on the sign-in and consent pages."
          error={errorFor('name')}
          autoComplete="off"
          {...register('name', {
            onChange: (event: { target: { value: string } }) => {
              // Suggest a client ID from the name until the admin types one.
              if (isCreate && !dirtyFields.id) setValue('id', slugify(event.target.value), { shouldDirty: false });
            },
          })}
        />
        <TextAreaField id="description" label="Description" rows={2} error={errorFor('description')} {...register('description')} />
      </section>

      <section className="form-section" aria-labelledby="section-access">
        <h2 id="section-access">Access</h2>
        <fieldset className="fieldset" aria-describedby={describedBy('grant-types', undefined, errorFor('grantType'))}>
          <legend>Grant types</legend>
          {GRANT_TYPES.map((grant) => (
            <div key={grant} className="check">
              <input id={`grant-${grant}`} type="checkbox" value={grant} aria-describedby={`grant-${grant}-description`} {...register('grantType')} />
              <div>
                <label htmlFor={`grant-${grant}`}>
                  <code>{grant}</code>
                </label>
                <span id={`grant-${grant}-description`} className="check-description">
                  {GRANT_TYPE_DESCRIPTIONS[grant]}
                </span>
              </div>
            </div>
          ))}
          <FieldMessages id="grant-types" error={errorFor('grantType')} />
        </fieldset>

        {isCreate ? (
          <div className="field">
            <div className="check">
              <input
                id="confidential"
                type="checkbox"
                aria-describedby={describedBy('confidential', true, errorFor('isConfidential', { always: true }))}
                {...register('isConfidential')}
              />
              <div>
                <label htmlFor="confidential">Confidential client</label>
                <FieldMessages
                  id="confidential"
                  hint="The console generates a client secret and shows it once, after the client is created. Public clients (browser and native apps) cannot keep a secret and use PKCE instead."
                  error={errorFor('isConfidential', { always: true })}
                />
              </div>
            </div>
          </div>
        ) : (
          errorFor('isConfidential', { always: true }) && (
            <div className="field-error">{errorFor('isConfidential', { always: true })}</div>
          )
        )}

        <RedirectUrisField control={control} errorFor={errorFor} register={(name) => register(name)} />

        <Controller
          control={control}
          name="scope"
          render={({ field }) => (
            <ScopesField value={field.value} onChange={field.onChange} onBlur={field.onBlur} error={errorFor('scope')} kind={kind} />
          )}
        />
      </section>

      <section className="form-section" aria-labelledby="section-display">
        <h2 id="section-display">Shown to users</h2>
        <p className="muted">https addresses only. The server never fetches them; the sign-in and consent pages link to them.</p>
        <TextField id="uri" label="Home page URL" type="url" error={errorFor('uri')} {...register('uri')} />
        <div className="logo-field">
          <TextField id="logoUri" label="Logo URL" type="url" error={errorFor('logoUri')} {...register('logoUri')} />
          <LogoPreview url={values.logoUri ?? ''} />
        </div>
        <TextField id="tosUri" label="Terms of service URL" type="url" error={errorFor('tosUri')} {...register('tosUri')} />
        <TextField id="policyUri" label="Privacy policy URL" type="url" error={errorFor('policyUri')} {...register('policyUri')} />
      </section>

      <section className="form-section" aria-labelledby="section-contact">
        <h2 id="section-contact">Contact</h2>
        <div className="field-row">
          <div className="field">
            <label htmlFor="contactSystem">Contact type</label>
            <select id="contactSystem" {...register('contactSystem')}>
              {CONTACT_SYSTEMS.map((system) => (
                <option key={system} value={system}>
                  {system}
                </option>
              ))}
            </select>
          </div>
          <TextField
            id="contactValue"
            label="Contact"
            hint="Who to ask about this app, e.g. an email address."
            error={errorFor('contactValue')}
            {...register('contactValue')}
          />
        </div>
      </section>

      {children}

      <div className="form-actions">
        {/* aria-disabled, not disabled: a disabled button drops focus, and dialogs return it here. */}
        <button type="submit" className="button button-primary" aria-disabled={isSubmitting || undefined}>
          {isSubmitting ? 'Saving…' : submitLabel}
        </button>
        {!isCreate && (
          <button type="button" className="button" disabled={!isDirty || isSubmitting} onClick={() => reset()}>
            Discard changes
          </button>
        )}
      </div>

      {blocker.state === 'blocked' && (
        <Dialog title="Leave without saving?" role="alertdialog" onClose={() => blocker.reset()}>
          <p>Your changes to this client application have not been saved and will be lost.</p>
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => blocker.reset()}>
              Stay on this page
            </button>
            <button type="button" className="button button-danger" onClick={() => blocker.proceed()}>
              Leave and discard changes
            </button>
          </div>
        </Dialog>
      )}
    </form>
  );
}

function isAnyTrue(value: unknown): boolean {
  if (value === true) return true;
  if (Array.isArray(value)) return value.some(isAnyTrue);
  if (value && typeof value === 'object') return Object.values(value).some(isAnyTrue);
  return false;
}

function ClientIdField({ register, value, error }: { register: object; value: string; error: string | undefined }) {
  const [checked, setChecked] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setChecked(value), 400);
    return () => window.clearTimeout(timer);
  }, [value]);
  const isCheckable = checked !== '' && checked === value && isFhirId(checked);
  const availability = useQuery({ ...clientApplicationQueries.idAvailability(checked), enabled: isCheckable });

  let status: ReactNode = null;
  if (!error && isCheckable) {
    if (availability.isPending) status = <span className="muted">Checking whether this client ID is free…</span>;
    else if (availability.data === 'available') status = <span className="status-ok">This client ID is available.</span>;
    else if (availability.data === 'taken') status = <span className="field-error">This client ID is already taken: choose another one.</span>;
  }
  return (
    <div className="field">
      <TextField
        id="id"
        label="Client ID"
        isRequired
        hint="Apps send it as client_id. Letters, digits, “-” and “.”, at most 64; it cannot be changed later."
        error={error}
        autoComplete="off"
        spellCheck={false}
        {...register}
      />
      <div aria-live="polite" className="id-status">
        {status}
      </div>
    </div>
  );
}

function LogoPreview({ url }: { url: string }) {
  const [failed, setFailed] = useState<string>();
  // Only https URLs are ever loaded (SPEC §5): anything else is not requested at all.
  if (url.trim() === '' || checkDisplayUri(url) !== null) return null;
  return (
    <figure className="logo-preview">
      {failed === url ? (
        <figcaption className="muted">The logo could not be loaded from this address.</figcaption>
      ) : (
        <>
          <img key={url} src={url} alt="Logo preview" referrerPolicy="no-referrer" onError={() => setFailed(url)} />
          <figcaption className="muted">Preview</figcaption>
        </>
      )}
    </figure>
  );
}
