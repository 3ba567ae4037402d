import { afterEach, describe, expect, it, vi } from 'vitest';

type Scope = { __zod_globalConfig?: { jitless?: boolean } };
const scope = globalThis as Scope;
const before = scope.__zod_globalConfig;

afterEach(() => {
  scope.__zod_globalConfig = before;
  vi.resetModules();
});

describe('configureZodWithoutEval', () => {
  it('makes a zod loaded afterwards jitless, so it never probes eval under the console CSP', async () => {
    vi.resetModules();
    delete scope.__zod_globalConfig;
    await import('./zod-settings.ts');
    const { z } = await import('zod');
    expect(z.config().jitless).toBe(true);
    // And it still parses objects.
    expect(z.object({ name: z.string() }).safeParse({ name: 'acme' }).success).toBe(true);
  });

  it('changes the shared object in place, keeping what another zod copy already set', async () => {
    const { configureZodWithoutEval } = await import('./zod-settings.ts');
    const shared = { jitless: false, customError: 'kept' };
    const other: Scope = { __zod_globalConfig: shared };
    configureZodWithoutEval(other);
    expect(other.__zod_globalConfig).toBe(shared);
    expect(shared).toEqual({ jitless: true, customError: 'kept' });
  });
});
