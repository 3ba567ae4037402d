import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { hasSecretTag } from '../../../model/client-application.ts';
import { isGoneError } from '../../../fhir/fhir-error.ts';
import { paths } from '../../app/paths.ts';
import { formatDate } from '../../ui/format-date.ts';
import { EmptyState, ErrorState, Spinner } from '../../ui/states.tsx';
import { Tabs } from '../../ui/tabs.tsx';
import { clientApplicationQueries } from '../queries.ts';
import { TypeBadge } from '../type-badge.tsx';
import { HistoryTab } from './history-tab.tsx';
import { JsonTab } from './json-tab.tsx';
import { QuickstartPanel } from './quickstart-panel.tsx';
import { SettingsTab } from './settings-tab.tsx';

const TAB_KEYS = ['settings', 'json', 'history'] as const;
type TabKey = (typeof TAB_KEYS)[number];

export function DetailPage() {
  const { id = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const query = useQuery(clientApplicationQueries.detail(id));
  const tabParam = search.get('tab');
  const tab: TabKey = (TAB_KEYS as readonly string[]).includes(tabParam ?? '') ? (tabParam as TabKey) : 'settings';

  const breadcrumb = (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={paths.clientApplications()}>Client applications</Link> <span aria-hidden="true">/</span> {id}
    </nav>
  );

  if (query.isPending) {
    return (
      <div className="page">
        {breadcrumb}
        <Spinner label="Loading the client application…" />
      </div>
    );
  }
  if (query.isError) {
    return (
      <div className="page">
        {breadcrumb}
        {isGoneError(query.error) ? (
          <EmptyState title="This client application does not exist">
            <p>It may have been revoked. </p>
            <Link to={paths.clientApplications()} className="button">
              Back to the list
            </Link>
          </EmptyState>
        ) : (
          <ErrorState title="The client application could not be loaded" error={query.error} onRetry={() => void query.refetch()} />
        )}
      </div>
    );
  }

  const detail = query.data;
  const { resource } = detail;
  return (
    <div className="page">
      {breadcrumb}
      <div className="page-header">
        <div>
          <h1>{resource.name}</h1>
          <p className="detail-meta">
            <code>{resource.id}</code> <TypeBadge isConfidential={hasSecretTag(resource)} />{' '}
            <span className="muted">
              Version {detail.versionId ?? '—'}, last updated {formatDate(resource.meta?.lastUpdated)}
            </span>
          </p>
        </div>
      </div>
      <details className="quickstart-details" open>
        <summary>Quickstart</summary>
        <QuickstartPanel resource={resource} />
      </details>
      <Tabs<TabKey>
        label="Client application"
        selected={tab}
        onSelect={(key) => {
          const next = new URLSearchParams(search);
          if (key === 'settings') next.delete('tab');
          else next.set('tab', key);
          setSearch(next, { replace: true });
        }}
        items={[
          { key: 'settings', label: 'Settings', panel: <SettingsTab key={id} detail={detail} /> },
          { key: 'json', label: 'JSON', panel: <JsonTab resource={resource} /> },
          { key: 'history', label: 'History', panel: <HistoryTab id={id} /> },
        ]}
      />
    </div>
  );
}
