import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { prepareClientApplicationSchemas, type ClientApplication } from '../../model/client-application.ts';
import { isGoneError } from '../../fhir/fhir-error.ts';
import {
  clientApplicationHistory,
  readClientApplication,
  searchClientApplications,
  type ClientApplicationResult,
} from '../../fhir/client-applications.ts';
import { fhirClient } from './fhir.ts';
import { PAGE_SIZE, type ClientApplicationListFilters } from './list/list-filters.ts';

// One query-options object for the feature (TkDodo): key-only levels for invalidation, leaves
// for reading. Every response is parsed with the model's ClientApplicationSchema inside the
// query function (the typed verbs strip any `secret` a lax server returns, then parse), so what
// reaches the cache is a valid ClientApplication and never holds a secret.

// That schema is built on first use (model/client-application.ts). This chunk loads while a page
// load's sign-in is in flight: build it when the main thread is next idle, which is while the
// token request is at the server, not in the middle of the sign-in or after the first response.
if (typeof requestIdleCallback === 'function') requestIdleCallback(prepareClientApplicationSchemas);

export interface ClientApplicationDetail {
  resource: ClientApplication;
  /** What to send as If-Match: the ETag header, else the versionId. */
  etag: string | undefined;
  versionId: string | undefined;
}

export interface ClientApplicationPage {
  items: ClientApplication[];
  total: number | undefined;
  offset: number;
  hasNext: boolean;
}

export interface ClientApplicationVersion {
  versionId: string | undefined;
  lastUpdated: string | undefined;
  /** Who made the change, when the server records it (`meta.source`); Haste Health does not. */
  author: string | undefined;
  method: string | undefined;
  resource: ClientApplication | undefined;
}

const SORT_PARAM: Record<ClientApplicationListFilters['sort'], string> = {
  name: 'name',
  '-name': '-name',
  lastUpdated: '_lastUpdated',
  '-lastUpdated': '-_lastUpdated',
};

export function toDetail(result: ClientApplicationResult): ClientApplicationDetail {
  return { resource: result.resource, etag: result.etag ?? result.versionId, versionId: result.versionId };
}

/** One page of the list, as `list(filters)` caches it. */
export async function searchClientApplicationPage(filters: ClientApplicationListFilters, signal?: AbortSignal): Promise<ClientApplicationPage> {
  const result = await searchClientApplications(
    fhirClient(),
    {
      name: filters.name.trim() || undefined,
      grantType: filters.grantType || undefined,
      _sort: SORT_PARAM[filters.sort],
      _count: PAGE_SIZE,
      _offset: (filters.page - 1) * PAGE_SIZE || undefined,
    },
    { signal },
  );
  return {
    items: result.resources,
    total: result.total,
    offset: result.offset,
    hasNext: result.nextOffset !== undefined || result.next !== undefined,
  };
}

const all = () => ['ClientApplication'] as const;
const lists = () => [...all(), 'list'] as const;
const details = () => [...all(), 'detail'] as const;

export const clientApplicationQueries = {
  all,
  lists,
  list: (filters: ClientApplicationListFilters) =>
    queryOptions({
      queryKey: [...lists(), filters] as const,
      queryFn: ({ signal }) => searchClientApplicationPage(filters, signal),
      // Paging and typing keep the old rows on screen until the new ones arrive.
      placeholderData: keepPreviousData,
    }),
  details,
  detail: (id: string) =>
    queryOptions({
      queryKey: [...details(), id] as const,
      queryFn: async ({ signal }) => toDetail(await readClientApplication(fhirClient(), id, { signal })),
    }),
  history: (id: string) =>
    queryOptions({
      queryKey: [...details(), id, 'history'] as const,
      queryFn: async ({ signal }): Promise<ClientApplicationVersion[]> => {
        const result = await clientApplicationHistory(fhirClient(), id, { _count: 50 }, { signal });
        return result.entries.map((entry, index) => {
          const raw = result.bundle.entry?.[index];
          const meta = entry.resource?.meta;
          return {
            versionId: meta?.versionId ?? versionFromUrl(raw?.request?.url),
            lastUpdated: meta?.lastUpdated ?? (raw?.response as { lastModified?: string } | undefined)?.lastModified,
            author: meta?.source,
            method: entry.method,
            resource: entry.resource,
          };
        });
      },
    }),
  /** Is this client ID free? For the New form's uniqueness check; a taken id is not an error. */
  idAvailability: (id: string) =>
    queryOptions({
      queryKey: [...all(), 'id-availability', id] as const,
      queryFn: async ({ signal }): Promise<'available' | 'taken'> => {
        try {
          await readClientApplication(fhirClient(), id, { signal });
          return 'taken';
        } catch (error) {
          if (isGoneError(error)) return 'available';
          throw error;
        }
      },
      staleTime: 10_000,
      retry: false,
    }),
};

function versionFromUrl(url: string | undefined): string | undefined {
  return url ? /_history\/([^/?]+)/.exec(url)?.[1] : undefined;
}

