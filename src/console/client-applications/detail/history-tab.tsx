import { useQuery } from '@tanstack/react-query';
import { ErrorState, Spinner } from '../../ui/states.tsx';
import { formatDate } from '../../ui/format-date.ts';
import { clientApplicationQueries } from '../queries.ts';
import { describeChange } from './history-diff.ts';

/** `meta.source` as a person reads it: the admin's email, or which client made the change. */
export function formatActor(source: string): string {
  if (source.startsWith('mailto:')) return source.slice('mailto:'.length);
  const client = /^urn:client-admin:client:(.+)$/.exec(source)?.[1];
  return client === undefined ? source : `client ${client}`;
}

export function HistoryTab({ id }: { id: string }) {
  const query = useQuery(clientApplicationQueries.history(id));
  if (query.isPending) return <Spinner label="Loading the history…" />;
  if (query.isError) return <ErrorState title="The history could not be loaded" error={query.error} onRetry={() => void query.refetch()} />;
  const versions = query.data;
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption className="visually-hidden">Versions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What changed</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((version, index) => (
            <tr key={`${version.versionId ?? index}`}>
              <td>{version.versionId ?? '—'}</td>
              <td>{formatDate(version.lastUpdated)}</td>
              <td>{version.author ? formatActor(version.author) : <span className="muted">not recorded</span>}</td>
              <td>{describeChange(version.method, version.resource, versions[index + 1]?.resource)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
