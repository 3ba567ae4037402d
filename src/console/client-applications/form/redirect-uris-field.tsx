import { useFieldArray, useWatch, type Control } from 'react-hook-form';
import { MAX_REDIRECT_URIS, isLoopbackUri, checkRedirectUri } from '../../../model/redirect-uri.ts';
import { FieldMessages, describedBy } from '../../ui/field.tsx';
import type { ClientApplication } from '../../../model/client-application.ts';
import type { ClientApplicationFormValues } from './form-values.ts';

type FormControl = Control<ClientApplicationFormValues, unknown, ClientApplication>;

// Add/remove up to five exact redirect URIs, each linted as it is typed (SPEC §5: https or
// loopback http, no fragment, no wildcard, no duplicates). The messages are the model's own.

export function RedirectUrisField({
  control,
  errorFor,
  register,
}: {
  control: FormControl;
  errorFor: (path: string, options?: { always?: boolean }) => string | undefined;
  register: (name: `redirectUri.${number}.value`) => object;
}) {
  const { fields, append, remove } = useFieldArray({ control, name: 'redirectUri' });
  const rootError = errorFor('redirectUri', { always: true });
  const isFull = fields.length >= MAX_REDIRECT_URIS;

  return (
    <fieldset className="fieldset" aria-describedby={describedBy('redirect-uris', true, rootError)}>
      <legend>Redirect URIs</legend>
      <FieldMessages
        id="redirect-uris"
        hint={`Where the app receives sign-in responses, matched exactly. https, or http on 127.0.0.1, [::1] or localhost; apps can use a private scheme such as com.example.app:/callback. ${fields.length} of ${MAX_REDIRECT_URIS}.`}
        error={rootError}
      />
      <ol className="uri-list">
        {fields.map((field, index) => {
          const id = `redirect-uri-${index}`;
          const error = errorFor(`redirectUri.${index}.value`);
          return (
            <li key={field.id} className="uri-row">
              <div className="field">
                <label htmlFor={id}>Redirect URI {index + 1}</label>
                <div className="input-with-button">
                  <input
                    id={id}
                    type="text"
                    inputMode="url"
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="https://app.example.com/callback"
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy(id, undefined, error)}
                    {...register(`redirectUri.${index}.value`)}
                  />
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`Remove redirect URI ${index + 1}`}
                    onClick={() => remove(index)}
                  >
                    Remove
                  </button>
                </div>
                <FieldMessages id={id} error={error} />
                <LoopbackNote control={control} index={index} />
              </div>
            </li>
          );
        })}
      </ol>
      <button type="button" className="button" disabled={isFull} onClick={() => append({ value: '' })}>
        Add redirect URI
      </button>
      {isFull && <p className="field-hint">At most {MAX_REDIRECT_URIS} redirect URIs can be registered.</p>}
    </fieldset>
  );
}


function LoopbackNote({ control, index }: { control: FormControl; index: number }) {
  const value = useWatch({ control, name: `redirectUri.${index}.value` });
  if (!value || checkRedirectUri(value) !== null || !isLoopbackUri(value)) return null;
  return <p className="field-hint">Loopback address: the app may use any port at sign-in (RFC 8252).</p>;
}
