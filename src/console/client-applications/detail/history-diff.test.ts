import { describe, expect, it } from 'vitest';
import { SECRET_TAG, type ClientApplication } from '../../../model/client-application.ts';
import { changedFields, describeChange } from './history-diff.ts';

const v1: ClientApplication = {
  resourceType: 'ClientApplication',
  id: 'a',
  meta: { versionId: '1' },
  name: 'A',
  grantType: ['client_credentials'],
  responseTypes: 'token',
};

describe('history diff', () => {
  it('names the fields that changed, ignoring meta', () => {
    const v2 = { ...v1, meta: { versionId: '2' }, name: 'B', redirectUri: ['https://a.example/cb'] };
    expect(changedFields(v1, v2)).toEqual(['name', 'redirect URIs']);
    expect(describeChange('PUT', v2, v1)).toBe('Changed name, redirect URIs');
  });

  it('tells a creation, a deletion and a secret being added', () => {
    expect(describeChange('POST', v1, undefined)).toBe('Created');
    expect(describeChange('DELETE', undefined, v1)).toBe('Revoked (deleted)');
    const withSecret = { ...v1, meta: { tag: [SECRET_TAG] } };
    expect(changedFields(v1, withSecret)).toEqual(['secret added']);
  });
});
