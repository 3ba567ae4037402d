import { useCallback, useRef, useState } from 'react';
import { hasSecretTag } from '../../../model/client-application.ts';
import { isFhirError } from '../../../fhir/fhir-error.ts';
import { useAnnouncer } from '../../ui/announcer.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import type { ClientApplicationResult } from '../../../fhir/client-applications.ts';
import { useSecretWrites } from '../mutations.ts';
import type { ClientApplicationDetail } from '../queries.ts';
import { SecretDialog } from '../secret/secret-dialog.tsx';

// Rotate (or first generate) the client secret (issue 4 §7): confirm, generate, PUT, reveal
// once. Disabled while the settings form has unsaved edits, since the PUT sends the stored
// resource and would otherwise look like it saved them.

export function SecretSection({
  detail,
  isFormDirty,
  onRotated,
}: {
  detail: ClientApplicationDetail;
  isFormDirty: boolean;
  /** The new version, so the settings form's If-Match follows our own write. */
  onRotated: (result: ClientApplicationResult) => void;
}) {
  const { resource } = detail;
  const isConfidential = hasSecretTag(resource);
  const { rotateSecret } = useSecretWrites();
  const { toast } = useAnnouncer();
  const [step, setStep] = useState<'idle' | 'confirm' | 'rotate'>('idle');
  const [error, setError] = useState<string>();
  const triggerRef = useRef<HTMLButtonElement>(null);
  const action = isConfidential ? 'Rotate secret' : 'Generate a secret';

  const write = useCallback(
    async (secret: string) => {
      onRotated(await rotateSecret(resource, secret, detail.etag));
    },
    [rotateSecret, resource, detail.etag, onRotated],
  );
  const handleFailed = useCallback((e: unknown) => {
    setStep('idle');
    setError(
      isFhirError(e) && e.status === 412
        ? 'The client was changed by someone else meanwhile, so the secret was not changed. Reload the page and try again.'
        : `The secret was not changed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }, []);

  return (
    <section className="form-section" aria-labelledby="section-secret">
      <h2 id="section-secret">Client secret</h2>
      <p>
        {isConfidential
          ? 'This client is confidential: it has a secret. Rotating replaces it at once, so the old secret stops working immediately.'
          : 'This client is public: it has no secret. Generating one makes it confidential.'}
      </p>
      {error && (
        <div className="alert alert-error" role="alert">
          {error}
        </div>
      )}
      <button
        ref={triggerRef}
        type="button"
        className="button"
        disabled={isFormDirty}
        aria-describedby={isFormDirty ? 'secret-disabled-hint' : undefined}
        onClick={() => {
          setError(undefined);
          setStep('confirm');
        }}
      >
        {action}
      </button>
      {isFormDirty && (
        <p id="secret-disabled-hint" className="field-hint">
          Save or discard your changes first.
        </p>
      )}

      {step === 'confirm' && (
        <Dialog
          title={`${action} for ${resource.name}?`}
          role="alertdialog"
          onClose={() => setStep('idle')}
          description={
            <p>
              {isConfidential
                ? 'The current secret stops working now. Apps that use it fail until you give them the new one.'
                : 'A new secret is generated and shown once.'}
            </p>
          }
        >
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => setStep('idle')}>
              Cancel
            </button>
            <button type="button" className="button button-danger" onClick={() => setStep('rotate')}>
              {action}
            </button>
          </div>
        </Dialog>
      )}
      {step === 'rotate' && (
        <SecretDialog
          title={`New client secret for ${resource.name}`}
          clientId={resource.id ?? ''}
          scope={resource.scope}
          hasClientCredentials={resource.grantType.includes('client_credentials')}
          write={write}
          onFailed={handleFailed}
          returnFocusRef={triggerRef}
          onDone={() => {
            setStep('idle');
            toast(isConfidential ? 'Secret rotated' : 'Secret generated');
          }}
        />
      )}
    </section>
  );
}
