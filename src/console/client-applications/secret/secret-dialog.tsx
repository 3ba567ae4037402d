import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { CodeBlock } from '../../ui/code-block.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Dialog } from '../../ui/dialog.tsx';
import { Spinner } from '../../ui/states.tsx';
import { generateClientSecret } from './generate-secret.ts';
import { useOidcEndpoints } from './oidc-metadata.ts';

// The one-time secret reveal (SPEC §4, issue 4 §5 and §7). The secret is generated here, sent
// by `write`, shown once, and exists only in this component's state: never in the React Query
// cache, the URL, Web Storage or a log. Closing needs "I have stored it", since there is no way
// to see it again.

export interface SecretDialogProps {
  title: string;
  clientId: string;
  scope: string | undefined;
  hasClientCredentials: boolean;
  /** Sends the secret to the server; a rejection closes the dialog through `onFailed`. */
  write: (secret: string) => Promise<unknown>;
  onFailed: (error: unknown) => void;
  onDone: () => void;
  returnFocusRef?: RefObject<HTMLElement | null>;
}

export function SecretDialog({ title, clientId, scope, hasClientCredentials, write, onFailed, onDone, returnFocusRef }: SecretDialogProps) {
  const [secret] = useState(generateClientSecret);
  const [phase, setPhase] = useState<'writing' | 'revealed'>('writing');
  const [isVisible, setIsVisible] = useState(false);
  const [isStored, setIsStored] = useState(false);
  const hasStarted = useRef(false);
  const endpoints = useOidcEndpoints();
  const secretId = useId();
  const storedId = useId();

  useEffect(() => {
    // Exactly one write, even when StrictMode mounts effects twice.
    if (hasStarted.current) return;
    hasStarted.current = true;
    write(secret).then(
      () => setPhase('revealed'),
      (error: unknown) => onFailed(error),
    );
  }, [write, secret, onFailed]);

  if (phase === 'writing') {
    return (
      <Dialog title={title} returnFocusRef={returnFocusRef}>
        <Spinner label="Saving the new secret…" />
      </Dialog>
    );
  }

  const curl = (shownSecret: string) =>
    [
      `curl -X POST '${endpoints.tokenEndpoint}' \\`,
      `  -u '${clientId}:${shownSecret}' \\`,
      `  -d grant_type=client_credentials${scope ? ` \\\n  --data-urlencode 'scope=${scope}'` : ''}`,
    ].join('\n');
  const masked = '•'.repeat(12);

  return (
    <Dialog
      title={title}
      size="large"
      returnFocusRef={returnFocusRef}
      onClose={isStored ? onDone : undefined}
      description={
        <p className="alert alert-warning">
          Copy the client secret now. It is shown only this once: the server keeps only a hash of it.
        </p>
      }
    >
      <div className="field">
        <label htmlFor={secretId}>Client secret</label>
        <div className="input-with-button">
          <input id={secretId} type={isVisible ? 'text' : 'password'} readOnly value={secret} className="secret-input" spellCheck={false} autoComplete="off" />
          <button type="button" className="button" aria-pressed={isVisible} onClick={() => setIsVisible((v) => !v)}>
            {isVisible ? 'Hide' : 'Show'}
          </button>
          <CopyButton text={secret} label="Copy secret" />
        </div>
      </div>

      <section className="how-to" aria-labelledby={`${secretId}-how`}>
        <h3 id={`${secretId}-how`}>How to use it</h3>
        <p>
          The app authenticates at the token endpoint with its client ID <code>{clientId}</code> and this secret (HTTP Basic,{' '}
          <code>client_secret_basic</code>):
        </p>
        <p>
          <code>{endpoints.tokenEndpoint}</code>
        </p>
        {hasClientCredentials && (
          <>
            <p>Request an access token:</p>
            <CodeBlock label="curl command">{curl(isVisible ? secret : masked)}</CodeBlock>
            <CopyButton text={curl(secret)} label="Copy curl command" />
          </>
        )}
      </section>

      <div className="dialog-footer">
        <label className="check" htmlFor={storedId}>
          <input id={storedId} type="checkbox" checked={isStored} onChange={(event) => setIsStored(event.target.checked)} />
          <span>I have stored the secret somewhere safe</span>
        </label>
        <button type="button" className="button button-primary" disabled={!isStored} onClick={onDone}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
