import { describe, expect, it } from 'vitest';
import { httpDate } from './http-date.ts';

const DAY_MS = 86_400_000;

describe('httpDate', () => {
  it('writes what Date#toUTCString writes, for every day from 1899 to 2101 at a time of day that moves', () => {
    const mismatches: string[] = [];
    const from = Date.UTC(1899, 0, 1);
    const to = Date.UTC(2101, 11, 31);
    for (let ms = from, n = 0; ms <= to; ms += DAY_MS, n++) {
      const iso = new Date(ms + ((n * 7_919_123) % DAY_MS)).toISOString();
      if (httpDate(iso) !== new Date(iso).toUTCString()) mismatches.push(iso);
    }
    expect(mismatches).toEqual([]);
  });

  it('gets the weekday right at the edges of the years it writes directly', () => {
    for (const iso of ['0000-01-01T00:00:00.000Z', '0099-12-31T23:59:59.999Z', '0100-03-01T12:00:00.000Z', '1600-02-29T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      expect(httpDate(iso)).toBe(new Date(iso).toUTCString());
    }
    expect(httpDate('2026-12-02T13:23:26.123Z')).toBe('Wed, 02 Dec 2026 13:23:26 GMT');
  });

  it('leaves any other text to Date, so the answer is still what Date gives', () => {
    for (const text of [
      '2026-12-02T13:23:26Z',
      '2026-12-02T13:23:26.1Z',
      '2026-12-02T13:23:26.123+01:00',
      '+010000-01-01T00:00:00.000Z',
      '-000001-01-01T00:00:00.000Z',
      '2026-02-29T00:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z',
      '2026-00-10T00:00:00.000Z',
      '2026-12-00T00:00:00.000Z',
      '2026-12-02T24:00:00.000Z',
      '2026-12-02T13:60:00.000Z',
      '2026-12-02T13:23:60.000Z',
      '2026-12-02T13:23:26.12xZ',
      '2026-1a-02T13:23:26.123Z',
      '20a6-12-02T13:23:26.123Z',
      '2026-12-0xT13:23:26.123Z',
      '2026-12-02T1x:23:26.123Z',
      'not a date at all, 24 ch',
      '',
    ]) {
      expect(httpDate(text), text).toBe(new Date(text).toUTCString());
    }
  });
});
