import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { parseClientApplication, type ClientApplication } from '../model/client-application.ts';
import { describeOutcome, operationOutcome } from '../model/operation-outcome.ts';
import { hashSecret, verifySecret } from './oidc/secret-hash.ts';
import type { ClientApplicationStore } from './store/client-applications.ts';

// SEED_BUNDLE: a FHIR transaction or batch Bundle of `PUT ClientApplication/{id}` entries applied
// at start. Idempotent: an entry equal to what is stored (secret included, checked against its
// hash) writes nothing, so restarts do not pile up versions.

const SeedBundleSchema = z.object({
  resourceType: z.literal('Bundle'),
  type: z.enum(['transaction', 'batch']),
  entry: z
    .array(
      z.object({
        resource: z.unknown(),
        request: z.object({
          method: z.literal('PUT'),
          url: z.string().regex(/^ClientApplication\/[A-Za-z0-9\-.]{1,64}$/, 'must be ClientApplication/{id}'),
        }),
      }),
    )
    .default([]),
});

export class SeedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedError';
  }
}

function withoutMeta(resource: ClientApplication) {
  const { meta: _meta, secret: _secret, ...rest } = resource;
  return rest;
}

export async function applySeedBundle(
  file: string,
  store: ClientApplicationStore,
): Promise<{ created: number; updated: number; unchanged: number }> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SeedError(`SEED_BUNDLE ${file} could not be read as JSON: ${(error as Error).message}`);
  }
  const bundle = SeedBundleSchema.safeParse(raw);
  if (!bundle.success) {
    const problems = bundle.error.issues.map((i) => `${i.path.join('.') || 'Bundle'}: ${i.message}`);
    throw new SeedError(`SEED_BUNDLE ${file} is not a transaction or batch Bundle of PUT ClientApplication entries:\n  ${problems.join('\n  ')}`);
  }

  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const [index, entry] of bundle.data.entry.entries()) {
    const id = entry.request.url.slice('ClientApplication/'.length);
    const current = store.read(id);
    const hasStoredSecret = current?.resource != null && current.secretHash !== null;
    const parsed = parseClientApplication(entry.resource, { hasStoredSecret });
    if (!parsed.success) {
      throw new SeedError(`SEED_BUNDLE entry ${index} (${entry.request.url}): ${describeOutcome(operationOutcome(parsed.issues))}`);
    }
    const resource = parsed.data;
    if (resource.id !== id) throw new SeedError(`SEED_BUNDLE entry ${index}: resource.id must be "${id}", as in request.url.`);

    if (current?.resource && isDeepStrictEqual(withoutMeta(current.resource), withoutMeta(resource))) {
      const secretUnchanged =
        resource.secret === undefined ||
        (current.secretHash !== null && (await verifySecret(resource.secret, current.secretHash)));
      if (secretUnchanged) {
        counts.unchanged++;
        continue;
      }
    }
    const secret =
      resource.secret === undefined ? ({ kind: 'keep' } as const) : ({ kind: 'set', hash: await hashSecret(resource.secret) } as const);
    const result = store.save(id, () => ({ resource, secret, method: 'PUT' }));
    if (result.ok) counts[result.created ? 'created' : 'updated']++;
  }
  return counts;
}
