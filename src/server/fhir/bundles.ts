import type { ClientApplicationVersion, MatchTextFormat } from '../store/client-applications.ts';

export function weakEtag(versionId: number | string): string {
  return `W/"${versionId}"`;
}

/**
 * How the store writes each match of a search: a searchset Bundle entry around the resource's
 * stored JSON, already its representation without a secret (https://hl7.org/fhir/R4/bundle.html).
 */
export function searchsetEntryFormat(fhirBaseUrl: string): MatchTextFormat {
  return { before: '{"fullUrl":', urlBase: `${fhirBaseUrl}/ClientApplication/`, between: ',"resource":', after: ',"search":{"mode":"match"}}' };
}

/**
 * A searchset Bundle as JSON text, around its entries as the store wrote them
 * (`searchsetEntryFormat`): a 20-row page is not parsed and re-serialised.
 */
export function searchsetBundleJson(options: {
  total: number | undefined;
  entries: readonly string[];
  links: { relation: 'self' | 'next' | 'previous'; url: string }[];
}): string {
  // Written out, as JSON.stringify would write this object (relations are fixed words; URLs go
  // through JSON.stringify), without building the object first.
  let link = '';
  for (const { relation, url } of options.links) link += `${link ? ',' : ''}{"relation":"${relation}","url":${JSON.stringify(url)}}`;
  const total = options.total === undefined ? '' : `"total":${options.total},`;
  const head = `{"resourceType":"Bundle","type":"searchset",${total}"link":[${link}],"entry":[`;
  const tail = ']}';
  const { entries } = options;
  if (entries.length === 0) return head + tail;
  // One join writes the whole body as one flat string. Joining the entries, then wrapping them,
  // made a rope that the content length flattened: one more copy of the page (~14 kB of garbage
  // at 20 rows, and 15 instead of 10.5 µs to send it). The socket write copies it once more, as
  // Node prefixes the headers to a string body.
  const parts = entries.slice();
  parts[0] = head + parts[0];
  parts[parts.length - 1] += tail;
  return parts.join(',');
}

const STATUS_TEXT: Record<string, string> = {
  POST: '201 Created',
  PUT: '200 OK',
  PATCH: '200 OK',
  DELETE: '204 No Content',
};

/** A history Bundle (https://hl7.org/fhir/R4/http.html#history): newest first, deletions without a resource. */
export function historyBundle(options: {
  fhirBaseUrl: string;
  total: number;
  versions: ClientApplicationVersion[];
  links: { relation: 'self' | 'next' | 'previous'; url: string }[];
}) {
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: options.total,
    link: options.links,
    entry: options.versions.map((v) => {
      const fullUrl = `${options.fhirBaseUrl}/ClientApplication/${v.id}`;
      const status = v.versionId === 1 ? '201 Created' : (STATUS_TEXT[v.method] ?? '200 OK');
      return {
        fullUrl,
        ...(v.resource ? { resource: v.resource } : {}),
        request: {
          method: v.method,
          url: v.method === 'POST' ? 'ClientApplication' : `ClientApplication/${v.id}`,
        },
        response: {
          status,
          etag: weakEtag(v.versionId),
          lastModified: v.lastUpdated,
        },
      };
    }),
  };
}

export function pageLinks(options: {
  url: (query: string) => string;
  queryFor: (count: number, offset: number) => string;
  count: number;
  offset: number;
  total: number | undefined;
  returned: number;
}): { relation: 'self' | 'next' | 'previous'; url: string }[] {
  const { count, offset, total, returned } = options;
  const links: { relation: 'self' | 'next' | 'previous'; url: string }[] = [
    { relation: 'self', url: options.url(options.queryFor(count, offset)) },
  ];
  const hasNext = count > 0 && (total === undefined ? returned === count : offset + count < total);
  if (hasNext) links.push({ relation: 'next', url: options.url(options.queryFor(count, offset + count)) });
  if (offset > 0 && count > 0) {
    links.push({ relation: 'previous', url: options.url(options.queryFor(count, Math.max(0, offset - count))) });
  }
  return links;
}
