import { useCallback, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { ClientApplication } from '../../model/client-application.ts';
import { paths } from '../app/paths.ts';
import { useAnnouncer } from '../ui/announcer.tsx';
import { ClientApplicationForm } from './form/client-application-form.tsx';
import { toFormValues } from './form/form-values.ts';
import { useCreateClientApplication, useSecretWrites } from './mutations.ts';
import { SecretDialog } from './secret/secret-dialog.tsx';

// New client: the form; public clients are created directly, confidential ones through the
// secret dialog, which generates the secret, creates the client (PUT + If-None-Match: *) and
// shows the secret once. The form's submit waits for either, so server errors land on fields.

interface PendingSecretCreate {
  resource: ClientApplication;
  resolve: (saved: ClientApplication) => void;
  reject: (error: unknown) => void;
}

const EMPTY_VALUES = toFormValues(undefined, false);

export function NewPage() {
  const navigate = useNavigate();
  const { toast } = useAnnouncer();
  const createPublic = useCreateClientApplication();
  const { createWithSecret } = useSecretWrites();
  const [pending, setPending] = useState<PendingSecretCreate>();
  const [created, setCreated] = useState<ClientApplication>();
  const headingRef = useRef<HTMLHeadingElement>(null);

  const handleSubmit = (resource: ClientApplication, isConfidential: boolean) => {
    if (!isConfidential) return createPublic.mutateAsync(resource).then((result) => result.resource);
    return new Promise<ClientApplication>((resolve, reject) => setPending({ resource, resolve, reject }));
  };

  const write = useCallback(
    async (secret: string) => {
      if (!pending) throw new Error('Nothing to create.');
      const result = await createWithSecret(pending.resource, secret);
      pending.resolve(result.resource);
      setCreated(result.resource);
    },
    [pending, createWithSecret],
  );

  const handleFailed = useCallback(
    (error: unknown) => {
      pending?.reject(error);
      setPending(undefined);
    },
    [pending],
  );

  const goToCreated = (saved: ClientApplication) => {
    toast(`Created ${saved.name}`);
    if (saved.id) void navigate(paths.clientApplication(saved.id));
  };

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={paths.clientApplications()}>Client applications</Link> <span aria-hidden="true">/</span> New
      </nav>
      <h1 ref={headingRef} tabIndex={-1}>
        New client application
      </h1>
      <ClientApplicationForm
        mode="create"
        defaultValues={EMPTY_VALUES}
        submitLabel="Create client application"
        onSubmit={(resource, { isConfidential }) => handleSubmit(resource, isConfidential)}
        onSubmitted={(saved, { isConfidential }) => {
          // Confidential clients continue once the admin has stored the secret.
          if (!isConfidential) goToCreated(saved);
        }}
      />
      {pending && (
        <SecretDialog
          title={created ? `Client secret for ${created.name}` : 'Creating the client…'}
          clientId={pending.resource.id ?? ''}
          scope={pending.resource.scope}
          hasClientCredentials={pending.resource.grantType.includes('client_credentials')}
          write={write}
          onFailed={handleFailed}
          returnFocusRef={headingRef}
          onDone={() => {
            setPending(undefined);
            if (created) goToCreated(created);
          }}
        />
      )}
    </div>
  );
}
