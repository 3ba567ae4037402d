import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import type { ClientApplicationResult } from '../../../fhir/client-applications.ts';
import { hasSecretTag } from '../../../model/client-application.ts';
import { useAnnouncer } from '../../ui/announcer.tsx';
import { ClientApplicationForm } from '../form/client-application-form.tsx';
import { toFormValues } from '../form/form-values.ts';
import { useUpdateClientApplication } from '../mutations.ts';
import { clientApplicationQueries, toDetail, type ClientApplicationDetail } from '../queries.ts';
import { ConflictDialog } from './conflict-dialog.tsx';
import { RevokeSection } from './revoke-section.tsx';
import { SecretSection } from './secret-section.tsx';

// Settings: the same sectioned form as New, seeded with the server's resource. The edit pins the
// version it started from (`base`): a background refetch must not move the If-Match, or a
// concurrent change would be silently overwritten instead of answered with 412.

export function SettingsTab({ detail }: { detail: ClientApplicationDetail }) {
  const [base, setBase] = useState(detail);
  const [formKey, setFormKey] = useState(0);
  const [isDirty, setIsDirty] = useState(false);
  const [hasConflict, setHasConflict] = useState(false);
  const update = useUpdateClientApplication();
  const queryClient = useQueryClient();
  const { toast } = useAnnouncer();
  const id = base.resource.id ?? '';
  const formTopRef = useRef<HTMLDivElement>(null);

  // Rotation is only possible with a clean form, so re-seeding it from our own write loses nothing.
  const handleRotated = useCallback((result: ClientApplicationResult) => {
    setBase(toDetail(result));
    setFormKey((k) => k + 1);
  }, []);

  const reloadTheirs = async () => {
    setHasConflict(false);
    const fresh = await queryClient.fetchQuery({ ...clientApplicationQueries.detail(id), staleTime: 0 });
    setBase(fresh);
    setFormKey((k) => k + 1);
    toast('Loaded the latest version', 'info');
  };

  return (
    <div className="settings" ref={formTopRef} tabIndex={-1}>
      <ClientApplicationForm
        key={formKey}
        mode="edit"
        base={base.resource}
        defaultValues={toFormValues(base.resource, hasSecretTag(base.resource))}
        submitLabel="Save changes"
        onDirtyChange={setIsDirty}
        onConflict={() => setHasConflict(true)}
        onSubmit={async (resource) => {
          const result = await update.mutateAsync({ resource: { ...resource, id }, ifMatch: base.etag });
          setBase(toDetail(result));
          return result.resource;
        }}
        onSubmitted={() => toast('Changes saved')}
      />
      <SecretSection detail={base} isFormDirty={isDirty} onRotated={handleRotated} />
      <RevokeSection resource={base.resource} />
      {hasConflict && (
        <ConflictDialog onReload={() => void reloadTheirs()} onKeepEditing={() => setHasConflict(false)} returnFocusRef={formTopRef} />
      )}
    </div>
  );
}
