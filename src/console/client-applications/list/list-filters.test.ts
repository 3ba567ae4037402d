import { describe, expect, it } from 'vitest';
import { readListFilters, writeListFilters } from './list-filters.ts';

describe('list filters in the URL', () => {
  it('reads a shared view back exactly', () => {
    const search = new URLSearchParams('name=port&grantType=client_credentials&sort=-lastUpdated&page=3');
    const filters = readListFilters(search);
    expect(filters).toEqual({ name: 'port', grantType: 'client_credentials', sort: '-lastUpdated', page: 3 });
    expect(writeListFilters(filters).toString()).toBe(search.toString());
  });

  it('falls back to defaults for junk, and leaves defaults out of the URL', () => {
    const filters = readListFilters(new URLSearchParams('grantType=password&sort=evil&page=-2'));
    expect(filters).toEqual({ name: '', grantType: '', sort: 'name', page: 1 });
    expect(writeListFilters(filters).toString()).toBe('');
  });
});
