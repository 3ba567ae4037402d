import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import type { ClientApplication } from '../../../model/client-application.ts';
import { paths } from '../../app/paths.ts';
import { useAnnouncer } from '../../ui/announcer.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { useRevokeClientApplication } from '../mutations.ts';

// Danger zone (issue 4 §8): revoking deletes the client; the server kills its tokens at once.
export function RevokeSection({ resource }: { resource: ClientApplication }) {
  const [isOpen, setIsOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const revoke = useRevokeClientApplication();
  const navigate = useNavigate();
  const { toast } = useAnnouncer();
  const inputId = useId();
  const clientId = resource.id ?? '';

  const close = () => {
    setIsOpen(false);
    setTyped('');
    revoke.reset();
  };

  return (
    <section className="form-section danger-zone" aria-labelledby="section-danger">
      <h2 id="section-danger">Danger zone</h2>
      <p>
        Revoking deletes this client application. It stops working immediately: it can no longer sign in or get tokens, and every
        token it holds stops working now. This cannot be undone.
      </p>
      <button type="button" className="button button-danger" onClick={() => setIsOpen(true)}>
        Revoke client application
      </button>
      {isOpen && (
        <Dialog title={`Revoke ${resource.name}?`} role="alertdialog" onClose={close}>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (typed !== clientId) return;
              revoke.mutate(clientId, {
                onSuccess: () => {
                  toast(`Revoked ${resource.name}`);
                  void navigate(paths.clientApplications());
                },
              });
            }}
          >
            <p>
              The app stops working now and its tokens are revoked. Type the client ID <code>{clientId}</code> to confirm.
            </p>
            <div className="field">
              <label htmlFor={inputId}>Client ID</label>
              <input id={inputId} value={typed} autoComplete="off" spellCheck={false} onChange={(event) => setTyped(event.target.value)} />
            </div>
            {revoke.isError && (
              <div className="alert alert-error" role="alert">
                The client was not revoked: {revoke.error.message}
              </div>
            )}
            <div className="dialog-actions">
              <button type="button" className="button" onClick={close}>
                Cancel
              </button>
              <button type="submit" className="button button-danger" disabled={typed !== clientId || revoke.isPending}>
                {revoke.isPending ? 'Revoking…' : 'Revoke'}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </section>
  );
}
