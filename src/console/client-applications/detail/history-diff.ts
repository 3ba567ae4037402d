import { hasSecretTag, type ClientApplication } from '../../../model/client-application.ts';

// Which fields changed between two versions, by name. Secrets are never in history (SPEC §4);
// whether one is set is, through the `secret-set` tag.

const FIELD_LABELS: Record<string, string> = {
  name: 'name',
  description: 'description',
  grantType: 'grant types',
  responseTypes: 'response type',
  redirectUri: 'redirect URIs',
  uri: 'home page',
  logoUri: 'logo',
  tosUri: 'terms of service',
  policyUri: 'privacy policy',
  scope: 'scopes',
  contact: 'contact',
};

export function changedFields(previous: ClientApplication | undefined, current: ClientApplication | undefined): string[] {
  if (!previous || !current) return [];
  const changes: string[] = [];
  for (const [key, label] of Object.entries(FIELD_LABELS)) {
    const before = JSON.stringify(previous[key as keyof ClientApplication] ?? null);
    const after = JSON.stringify(current[key as keyof ClientApplication] ?? null);
    if (before !== after) changes.push(label);
  }
  const hadSecret = hasSecretTag(previous);
  const hasSecret = hasSecretTag(current);
  if (hadSecret !== hasSecret) changes.push(hasSecret ? 'secret added' : 'secret removed');
  return changes;
}

/** A sentence for one history entry; `older` is the version before it. */
export function describeChange(
  method: string | undefined,
  current: ClientApplication | undefined,
  older: ClientApplication | undefined,
): string {
  if (!current) return 'Revoked (deleted)';
  if (!older) return 'Created';
  const changes = changedFields(older, current);
  if (changes.length > 0) return `Changed ${changes.join(', ')}`;
  // Nothing visible changed: a PUT with a new secret (rotation) or a no-op save.
  return hasSecretTag(current) && method !== 'PATCH' ? 'Saved with no visible change (for example, secret rotated)' : 'Saved with no visible change';
}
