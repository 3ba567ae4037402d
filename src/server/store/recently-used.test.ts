import { describe, expect, it } from 'vitest';
import { RecentlyUsed } from './recently-used.ts';

describe('RecentlyUsed', () => {
  it('holds at most its capacity, dropping the least recently used entry first', () => {
    const cache = new RecentlyUsed<number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1); // a is now the most recently used; b the least
    cache.set('d', 4);
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
  });

  it('replaces the value of a key it holds without dropping anything, and counts that as a use', () => {
    const cache = new RecentlyUsed<string>(2);
    cache.set('a', 'old');
    cache.set('b', 'b');
    cache.set('a', 'new');
    cache.set('c', 'c');
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBe('new');
    expect(cache.get('b')).toBeUndefined();
  });
});
