import { z } from 'zod';

// The generic FHIR shapes the REST client needs. Deliberately lax (`loose`): the client checks
// only what it relies on; resource-specific validation is the caller's job (src/model schemas).

export const MetaSchema = z
  .object({
    versionId: z.string().optional(),
    lastUpdated: z.string().optional(),
  })
  .loose();
export type Meta = z.infer<typeof MetaSchema>;

export const FhirResourceSchema = z
  .object({
    resourceType: z.string().min(1),
    id: z.string().optional(),
    meta: MetaSchema.optional(),
  })
  .loose();
export type FhirResource = z.infer<typeof FhirResourceSchema>;

export const BundleLinkSchema = z.object({ relation: z.string(), url: z.string() }).loose();
export type BundleLink = z.infer<typeof BundleLinkSchema>;

export const BundleEntrySchema = z
  .object({
    fullUrl: z.string().optional(),
    resource: FhirResourceSchema.optional(),
    search: z.object({ mode: z.string().optional() }).loose().optional(),
    request: z.object({ method: z.string(), url: z.string() }).loose().optional(),
    response: z.object({ status: z.string() }).loose().optional(),
  })
  .loose();
export type BundleEntry = z.infer<typeof BundleEntrySchema>;

export const BundleSchema = z
  .object({
    resourceType: z.literal('Bundle'),
    type: z.string(),
    total: z.number().int().nonnegative().optional(),
    link: z.array(BundleLinkSchema).optional(),
    entry: z.array(BundleEntrySchema).optional(),
  })
  .loose();
export type Bundle = z.infer<typeof BundleSchema>;

export function bundleLink(bundle: Bundle, relation: string): string | undefined {
  // `prev` is the pre-R4 (DSTU2/STU3) spelling of `previous`; some servers still send it.
  const relations = relation === 'previous' ? ['previous', 'prev'] : [relation];
  return bundle.link?.find((l) => relations.includes(l.relation))?.url;
}

/** Entries that matched the search: not `_include`d resources, not `outcome` warnings. */
export function matchedResources(bundle: Bundle): FhirResource[] {
  const out: FhirResource[] = [];
  for (const entry of bundle.entry ?? []) {
    const mode = entry.search?.mode;
    if (entry.resource && (mode === undefined || mode === 'match')) out.push(entry.resource);
  }
  return out;
}
