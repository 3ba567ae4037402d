import { describe, expect, it } from 'vitest';
import { roundOrder } from './rounds.ts';

describe('roundOrder', () => {
  it('alternates two targets: A/B, then B/A', () => {
    expect([0, 1, 2, 3].map((r) => roundOrder(['raw', 'ours'], r).join('/'))).toEqual(['raw/ours', 'ours/raw', 'raw/ours', 'ours/raw']);
  });

  it.each([3, 4, 5, 6])('puts each of %i targets in each position once over as many rounds', (n) => {
    const targets = Array.from({ length: n }, (_, i) => `t${i}`);
    const rounds = targets.map((_, r) => roundOrder(targets, r));
    for (const order of rounds) expect([...order].sort()).toEqual(targets);
    for (let position = 0; position < n; position++) expect(new Set(rounds.map((order) => order[position])).size).toBe(n);
  });

  it.each([2, 4, 6])('with %i targets, runs each right after each other one exactly once', (n) => {
    const targets = Array.from({ length: n }, (_, i) => i);
    const pairs = targets.flatMap((_, r) => {
      const order = roundOrder(targets, r);
      return order.slice(1).map((t, i) => `${order[i]}>${t}`);
    });
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs).toHaveLength(n * (n - 1));
  });
});
