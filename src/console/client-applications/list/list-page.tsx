import { useQuery, type QueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { Link, useSearchParams, type LoaderFunctionArgs } from 'react-router';
import { GRANT_TYPES, hasSecretTag, type ClientApplication } from '../../../model/client-application.ts';
import { paths } from '../../app/paths.ts';
import type { Session } from '../../auth/session.ts';
import { useAnnouncer } from '../../ui/announcer.tsx';
import { EmptyState, ErrorState } from '../../ui/states.tsx';
import { formatDate } from '../../ui/format-date.ts';
import { GRANT_TYPE_LABELS } from '../grant-types.ts';
import { TypeBadge } from '../type-badge.tsx';
import { clientApplicationQueries, searchClientApplicationPage } from '../queries.ts';
import {
  hasActiveFilters,
  readListFilters,
  writeListFilters,
  type ClientApplicationListFilters,
  type Sort,
} from './list-filters.ts';

const SEARCH_DEBOUNCE_MS = 300;

/** How long a page load's first render may wait for the rows before it shows the skeleton. */
const FIRST_PAGE_WAIT_MS = 1_000;

/**
 * The route's loader: starts this page's search as soon as there is a token. After a page load's
 * silent sign-in the request then leaves the moment the token arrives, not once React has rendered
 * the signed-in layout and this page. On that first load it also waits for the rows (at most
 * FIRST_PAGE_WAIT_MS, while index.html shows its loading state), so React renders the page once,
 * with its rows, instead of a skeleton it replaces a moment later; in-app navigation never waits
 * (the page shows its own loading state at once).
 */
export function listLoader(queryClient: QueryClient, session: Session) {
  return async ({ request }: LoaderFunctionArgs) => {
    const filters = readListFilters(new URL(request.url).searchParams);
    const isPageLoad = session.getState().status === 'resuming';
    const prefetched = session.whenResumed().then(() => {
      if (session.getState().status !== 'signed-in') return;
      // Without an abort signal: React Query cancels (and reverts) a fetch whose signal was read
      // when its last observer goes, and StrictMode's mount–unmount–mount of the page would then
      // leave this one reverted, never retried. The page's own fetches stay abortable.
      return queryClient.prefetchQuery({ ...clientApplicationQueries.list(filters), queryFn: () => searchClientApplicationPage(filters) });
    });
    if (isPageLoad) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([prefetched, new Promise((resolve) => (timer = setTimeout(resolve, FIRST_PAGE_WAIT_MS)))]);
      clearTimeout(timer);
    }
    return null;
  };
}

export function ListPage() {
  const [search, setSearch] = useSearchParams();
  const filters = readListFilters(search);
  const query = useQuery(clientApplicationQueries.list(filters));
  const { announce } = useAnnouncer();

  const update = (changes: Partial<ClientApplicationListFilters>, options: { replace?: boolean } = {}) => {
    // Any change of what is shown starts again at page 1, unless the page itself changes.
    const next = { ...filters, page: 1, ...changes };
    setSearch(writeListFilters(next), { replace: options.replace ?? false });
  };

  const page = query.data;
  const resultSummary = page ? summary(page.items.length, page.offset, page.total) : '';
  useEffect(() => {
    if (resultSummary && !query.isPlaceholderData) announce(resultSummary);
  }, [resultSummary, query.isPlaceholderData, announce]);

  return (
    <div className="page">
      <div className="page-header">
        <h1>Client applications</h1>
        <Link to={paths.newClientApplication()} className="button button-primary">
          New client application
        </Link>
      </div>

      <div className="toolbar" role="search">
        <NameSearch value={filters.name} onSearch={(name) => update({ name }, { replace: true })} />
        <div className="field field-inline">
          <label htmlFor="grant-filter">Grant type</label>
          <select
            id="grant-filter"
            value={filters.grantType}
            onChange={(event) => update({ grantType: event.target.value as ClientApplicationListFilters['grantType'] })}
          >
            <option value="">Any grant type</option>
            {GRANT_TYPES.map((grant) => (
              <option key={grant} value={grant}>
                {GRANT_TYPE_LABELS[grant]}
              </option>
            ))}
          </select>
        </div>
        {hasActiveFilters(filters) && (
          <button type="button" className="button button-quiet" onClick={() => update({ name: '', grantType: '' })}>
            Clear filters
          </button>
        )}
      </div>

      {query.isError ? (
        <ErrorState title="The client applications could not be loaded" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <TableSkeleton />
      ) : page && page.items.length === 0 && filters.page === 1 ? (
        hasActiveFilters(filters) ? (
          <EmptyState title="No client applications match">
            <p>Try another name or grant type.</p>
            <button type="button" className="button" onClick={() => update({ name: '', grantType: '' })}>
              Clear filters
            </button>
          </EmptyState>
        ) : (
          <EmptyState title="No client applications yet">
            <p>Register the first app that may call your FHIR server.</p>
            <Link to={paths.newClientApplication()} className="button button-primary">
              New client application
            </Link>
          </EmptyState>
        )
      ) : (
        page && (
          <>
            <ClientTable
              items={page.items}
              sort={filters.sort}
              onSort={(sort) => update({ sort })}
              isUpdating={query.isPlaceholderData}
            />
            <nav className="pager" aria-label="Pages">
              <span className="muted">{resultSummary}</span>
              <button
                type="button"
                className="button"
                disabled={filters.page <= 1}
                onClick={() => update({ page: filters.page - 1 })}
              >
                Previous page
              </button>
              <button type="button" className="button" disabled={!page.hasNext} onClick={() => update({ page: filters.page + 1 })}>
                Next page
              </button>
            </nav>
          </>
        )
      )}
    </div>
  );
}

function summary(count: number, offset: number, total: number | undefined): string {
  if (count === 0) return 'No client applications on this page';
  const range = `${offset + 1}–${offset + count}`;
  return total === undefined ? `Showing ${range}` : `Showing ${range} of ${total} client application${total === 1 ? '' : 's'}`;
}

/** Search as you type; the URL (and the request) follows after a pause. */
function NameSearch({ value, onSearch }: { value: string; onSearch: (name: string) => void }) {
  const id = useId();
  const onSearchRef = useRef(onSearch);
  useEffect(() => {
    onSearchRef.current = onSearch;
  });
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  // The URL changed under us (back button, Clear filters): show what it says.
  if (value !== seen) {
    setSeen(value);
    setText(value);
  }

  useEffect(() => {
    if (text.trim() === value.trim()) return;
    const timer = window.setTimeout(() => onSearchRef.current(text), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text, value]);

  return (
    <div className="field field-inline">
      <label htmlFor={id}>Search by name</label>
      <input id={id} type="search" value={text} onChange={(event) => setText(event.target.value)} autoComplete="off" />
    </div>
  );
}

const SORTABLE: { label: string; asc: Sort; desc: Sort }[] = [
  { label: 'Name', asc: 'name', desc: '-name' },
  { label: 'Last updated', asc: 'lastUpdated', desc: '-lastUpdated' },
];

function SortHeader({ column, sort, onSort }: { column: (typeof SORTABLE)[number]; sort: Sort; onSort: (sort: Sort) => void }) {
  const direction = sort === column.asc ? 'ascending' : sort === column.desc ? 'descending' : undefined;
  const next = direction === 'ascending' ? column.desc : column.asc;
  return (
    <th scope="col" aria-sort={direction ?? 'none'}>
      <button type="button" className="sort-button" onClick={() => onSort(next)}>
        {column.label}
        <span aria-hidden="true" className="sort-indicator">
          {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕'}
        </span>
        <span className="visually-hidden">, sort {next === column.asc ? 'ascending' : 'descending'}</span>
      </button>
    </th>
  );
}

function ClientTable({
  items,
  sort,
  onSort,
  isUpdating,
}: {
  items: ClientApplication[];
  sort: Sort;
  onSort: (sort: Sort) => void;
  isUpdating: boolean;
}) {
  const [nameColumn, updatedColumn] = SORTABLE as [(typeof SORTABLE)[number], (typeof SORTABLE)[number]];
  return (
    <div className="table-wrap">
      <table className="data-table" aria-busy={isUpdating || undefined}>
        <caption className="visually-hidden">Client applications</caption>
        <thead>
          <tr>
            <SortHeader column={nameColumn} sort={sort} onSort={onSort} />
            <th scope="col">Client ID</th>
            <th scope="col">Type</th>
            <th scope="col">Grant types</th>
            <th scope="col" className="numeric">
              Redirect URIs
            </th>
            <SortHeader column={updatedColumn} sort={sort} onSort={onSort} />
          </tr>
        </thead>
        <tbody>
          {items.map((client) => (
            <tr key={client.id}>
              <td>
                {client.id ? <Link to={paths.clientApplication(client.id)}>{client.name}</Link> : client.name}
              </td>
              <td>
                <code>{client.id}</code>
              </td>
              <td>
                <TypeBadge isConfidential={hasSecretTag(client)} />
              </td>
              <td>
                <ul className="chip-list chip-list-compact">
                  {client.grantType.map((grant) => (
                    <li key={grant} className="chip chip-static">
                      {grant}
                    </li>
                  ))}
                </ul>
              </td>
              <td className="numeric">{client.redirectUri?.length ?? 0}</td>
              <td>{formatDate(client.meta?.lastUpdated)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TableSkeleton() {
  return (
    <div className="table-wrap" aria-busy="true">
      <p className="visually-hidden" role="status">
        Loading client applications…
      </p>
      <table className="data-table" aria-hidden="true">
        <tbody>
          {Array.from({ length: 6 }, (_, row) => (
            <tr key={row}>
              {Array.from({ length: 6 }, (_, cell) => (
                <td key={cell}>
                  <span className="skeleton" />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
