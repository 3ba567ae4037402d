import { withoutSecret } from '../fhir/client-applications.ts';

// Our server never returns `secret`; Haste Health does on read (SPEC §6). Whatever the server
// sends, nothing the CLI prints contains a ClientApplication secret: every ClientApplication in
// the output (a resource, or inside a Bundle's entries) is copied without it.

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(record)) copy[key] = redactSecrets(child);
  return record.resourceType === 'ClientApplication' ? withoutSecret(copy) : copy;
}
