import { GRANT_TYPE_SYSTEM, GRANT_TYPES } from '../../model/client-application.ts';
import { issue, type OutcomeIssue } from '../../model/operation-outcome.ts';
import type { LastUpdatedFilter, SearchQuery, SortKey } from '../store/client-applications.ts';

// FHIR search parameters for ClientApplication (https://hl7.org/fhir/R4/search.html).
// Repeating a parameter ANDs its values; commas inside one value OR them.

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;

export const SEARCH_PARAMETERS = [
  { name: 'name', type: 'string', documentation: 'Case-insensitive prefix of the client name' },
  { name: 'grantType', type: 'token', documentation: `A grant type code (system ${GRANT_TYPE_SYSTEM})` },
  { name: '_id', type: 'token', documentation: 'Client ID (the OAuth client_id)' },
  { name: '_lastUpdated', type: 'date', documentation: 'When the client last changed; prefixes eq, gt, ge, lt, le' },
] as const;

export const RESULT_PARAMETERS = ['_sort', '_count', '_offset', '_total', '_format'] as const;

const SORTABLE: Record<string, SortKey['key']> = { name: 'name', _lastUpdated: 'lastUpdated', _id: 'id' };

type QueryValue = string | string[] | undefined;

function values(query: Record<string, QueryValue>, key: string): string[] {
  const raw = query[key];
  const all = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  // An empty parameter value is ignored (FHIR search §3.1.1.5.1).
  return all.filter((v) => v !== '');
}

function single(query: Record<string, QueryValue>, key: string, problems: OutcomeIssue[]): string | undefined {
  const all = values(query, key);
  if (all.length > 1) problems.push(issue('invalid', `The parameter ${key} may appear only once.`, key));
  return all[0];
}

function nonNegativeInteger(text: string | undefined, key: string, problems: OutcomeIssue[]): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text)) {
    problems.push(issue('invalid', `${key} must be a whole number of 0 or more (got "${text}").`, key));
    return undefined;
  }
  return Number(text);
}

// FHIR dateTime at any precision → the half-open UTC interval it denotes.
const DATE_PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export function dateInterval(text: string): { start: string; end: string } | undefined {
  const m = DATE_PATTERN.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? undefined : Number(mo) - 1;
  const day = d === undefined ? undefined : Number(d);
  if (month !== undefined && (month < 0 || month > 11)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) return undefined;
  const offsetMinutes =
    zone === undefined || zone === 'Z'
      ? 0
      : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  // Not Date.UTC: it reads years 0–99 as 1900–1999.
  const startDate = new Date(0);
  startDate.setUTCFullYear(year, month ?? 0, day ?? 1);
  startDate.setUTCHours(Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
  const startUtc = startDate.getTime();
  const start = new Date(startUtc - offsetMinutes * 60_000);
  const end = new Date(start);
  if (month === undefined) end.setUTCFullYear(end.getUTCFullYear() + 1);
  else if (day === undefined) end.setUTCMonth(end.getUTCMonth() + 1);
  else if (h === undefined) end.setUTCDate(end.getUTCDate() + 1);
  else if (s === undefined) end.setUTCMinutes(end.getUTCMinutes() + 1);
  else if (frac === undefined) end.setUTCSeconds(end.getUTCSeconds() + 1);
  else end.setUTCMilliseconds(end.getUTCMilliseconds() + 1);
  if (Number.isNaN(start.getTime())) return undefined;
  return { start: start.toISOString(), end: end.toISOString() };
}

export type ParsedSearch = { query: SearchQuery; totalMode: 'none' | 'estimate' | 'accurate' };

const KNOWN_PARAMETERS = new Set<string>([...SEARCH_PARAMETERS.map((p) => p.name), ...RESULT_PARAMETERS]);

export function parseSearchParams(query: Record<string, QueryValue>): ParsedSearch | { problems: OutcomeIssue[] } {
  const problems: OutcomeIssue[] = [];
  for (const key of Object.keys(query)) {
    if (KNOWN_PARAMETERS.has(key)) continue;
    problems.push(
      issue(
        'not-supported',
        `Unknown search parameter "${key}". Supported: ${[...KNOWN_PARAMETERS].join(', ')}.`,
        key,
      ),
    );
  }

  const names = values(query, 'name').map((v) => v.split(',').filter(Boolean));

  const grantTypes = values(query, 'grantType').map((v) =>
    v.split(',').flatMap((token) => {
      const bar = token.lastIndexOf('|');
      const system = bar === -1 ? undefined : token.slice(0, bar);
      const code = bar === -1 ? token : token.slice(bar + 1);
      if (system !== undefined && system !== '' && system !== GRANT_TYPE_SYSTEM) {
        problems.push(issue('invalid', `grantType system must be ${GRANT_TYPE_SYSTEM} (got "${system}").`, 'grantType'));
        return [];
      }
      if (!(GRANT_TYPES as readonly string[]).includes(code)) {
        problems.push(
          issue('invalid', `grantType "${code}" is not a grant type. Use one of: ${GRANT_TYPES.join(', ')}.`, 'grantType'),
        );
        return [];
      }
      return [code];
    }),
  );

  const ids = values(query, '_id').map((v) => v.split(',').filter(Boolean));

  const lastUpdated: LastUpdatedFilter[] = [];
  for (const raw of values(query, '_lastUpdated')) {
    const prefix = /^(eq|gt|ge|lt|le)/.exec(raw)?.[1] as LastUpdatedFilter['op'] | undefined;
    const interval = dateInterval(prefix ? raw.slice(2) : raw);
    if (/^(ne|sa|eb|ap)/.test(raw)) {
      problems.push(issue('not-supported', `_lastUpdated supports the prefixes eq, gt, ge, lt and le (got "${raw}").`, '_lastUpdated'));
    } else if (!interval) {
      problems.push(
        issue('invalid', `_lastUpdated must be a FHIR date or dateTime such as 2026-01-31 or ge2026-01-31T10:00:00Z (got "${raw}").`, '_lastUpdated'),
      );
    } else {
      lastUpdated.push({ op: prefix ?? 'eq', ...interval });
    }
  }

  const sort: SortKey[] = [];
  const sortText = single(query, '_sort', problems);
  for (const part of sortText?.split(',').filter(Boolean) ?? []) {
    const descending = part.startsWith('-');
    const key = SORTABLE[descending ? part.slice(1) : part];
    if (key) sort.push({ key, descending });
    else problems.push(issue('not-supported', `Cannot sort by "${part}". Sort by name, _lastUpdated or _id, with - for descending.`, '_sort'));
  }
  if (sort.length === 0) sort.push({ key: 'name', descending: false });

  const count = nonNegativeInteger(single(query, '_count', problems), '_count', problems);
  const offset = nonNegativeInteger(single(query, '_offset', problems), '_offset', problems);

  const total = single(query, '_total', problems) ?? 'accurate';
  if (total !== 'none' && total !== 'estimate' && total !== 'accurate') {
    problems.push(issue('invalid', `_total must be none, estimate or accurate (got "${total}").`, '_total'));
  }
  const format = single(query, '_format', problems);
  if (format !== undefined && !['json', 'application/json', 'application/fhir+json'].includes(format)) {
    problems.push(issue('not-supported', `Only JSON is supported (_format=json), not "${format}".`, '_format'));
  }

  if (problems.length) return { problems };
  return {
    totalMode: total as ParsedSearch['totalMode'],
    query: {
      names,
      grantTypes,
      ids,
      lastUpdated,
      sort,
      // Over the maximum is capped rather than refused, as FHIR servers commonly do; the
      // Bundle's self link shows the page size actually used.
      count: Math.min(count ?? DEFAULT_COUNT, MAX_COUNT),
      offset: offset ?? 0,
      withTotal: total !== 'none',
    },
  };
}

// application/x-www-form-urlencoded leaves these bytes as they are (https://url.spec.whatwg.org/#urlencoded-serializing).
const FORM_SAFE = /^[A-Za-z0-9*._-]*$/;

/** A name or value written as URLSearchParams writes it, without building one for the plain words most are. */
function formEncode(text: string): string {
  return FORM_SAFE.test(text) ? text : new URLSearchParams([['', text]]).toString().slice(1);
}

/**
 * The canonical query string of a search at a page size and offset, for the Bundle's self, next
 * and previous links: the request's parameters are written once, for all the links.
 */
export function searchLinkQuery(query: Record<string, QueryValue>): (count: number, offset: number) => string {
  let fixed = '';
  for (const [key, raw] of Object.entries(query)) {
    if (key === '_count' || key === '_offset' || raw === undefined) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) if (value !== '') fixed += `${formEncode(key)}=${formEncode(value)}&`;
  }
  return (count, offset) => `${fixed}_count=${count}&_offset=${offset}`;
}
