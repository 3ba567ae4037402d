import { GRANT_TYPES, type GrantType } from '../../../model/client-application.ts';

// The list view's state lives in the URL (issue 4 §3) so a view can be shared and reloaded:
// `?name=portal&grantType=client_credentials&sort=-lastUpdated&page=2`. Defaults are left out.

export const PAGE_SIZE = 20;
export const SORTS = ['name', '-name', '-lastUpdated', 'lastUpdated'] as const;
export type Sort = (typeof SORTS)[number];
export const DEFAULT_SORT: Sort = 'name';

export interface ClientApplicationListFilters {
  name: string;
  grantType: GrantType | '';
  sort: Sort;
  /** 1-based. */
  page: number;
}

export function readListFilters(search: URLSearchParams): ClientApplicationListFilters {
  const grantType = search.get('grantType') ?? '';
  const sort = search.get('sort') ?? '';
  const page = Number(search.get('page'));
  return {
    name: search.get('name') ?? '',
    grantType: (GRANT_TYPES as readonly string[]).includes(grantType) ? (grantType as GrantType) : '',
    sort: (SORTS as readonly string[]).includes(sort) ? (sort as Sort) : DEFAULT_SORT,
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
  };
}

export function writeListFilters(filters: ClientApplicationListFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.name.trim()) search.set('name', filters.name.trim());
  if (filters.grantType) search.set('grantType', filters.grantType);
  if (filters.sort !== DEFAULT_SORT) search.set('sort', filters.sort);
  if (filters.page > 1) search.set('page', String(filters.page));
  return search;
}

export function hasActiveFilters(filters: ClientApplicationListFilters): boolean {
  return filters.name.trim() !== '' || filters.grantType !== '';
}
