import { describe, expect, it } from 'vitest';
import { searchLinkQuery } from './search-params.ts';

describe('searchLinkQuery', () => {
  it('writes the query as URLSearchParams would, with the page size and offset last', () => {
    const query = {
      name: ['acme', 'a b', 'x&y=z', 'Zoë+%', '🙂', 'dots.and-dashes_and*stars', ''],
      grantType: 'https://haste.health/fhir/CodeSystem/ClientApplicationGrantType|client_credentials',
      'we ird': 'v~!\'()',
      _count: '5',
      _offset: '10',
      _sort: undefined,
    };
    const reference = new URLSearchParams();
    for (const value of query.name) if (value !== '') reference.append('name', value);
    reference.append('grantType', query.grantType);
    reference.append('we ird', query['we ird']);
    reference.append('_count', '20');
    reference.append('_offset', '40');
    expect(searchLinkQuery(query)(20, 40)).toBe(reference.toString());
    expect(searchLinkQuery({ name: 'acme', _count: '20' })(20, 0)).toBe('name=acme&_count=20&_offset=0');
  });
});
