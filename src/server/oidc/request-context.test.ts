import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createContextGate } from './request-context.ts';

describe('the context gate', () => {
  it('turns the storage off only when the last overlapping request ends, failed ones included', async () => {
    const events: string[] = [];
    const gate = createContextGate({ disable: () => events.push('disable') });
    let finishFirst!: () => void;
    let failSecond!: (error: Error) => void;
    const first = gate.around(() => new Promise<void>((resolve) => (finishFirst = resolve)));
    const second = gate.around(() => new Promise<void>((_resolve, reject) => (failSecond = reject)));
    await nextTurn();

    finishFirst();
    await first;
    events.push('first done');
    failSecond(new Error('hung up'));
    await expect(second).rejects.toThrow('hung up');
    events.push('second done');
    await gate.around(async () => undefined);

    expect(events).toEqual(['first done', 'disable', 'second done', 'disable']);
  });

  it('leaves a request its context while another one ends, and gives the next request its own', async () => {
    const storage = new AsyncLocalStorage<string>();
    const gate = createContextGate(storage);
    let finishShort!: () => void;
    let finishLong!: () => void;
    const long = gate.around(() =>
      storage.run('long', async () => {
        await new Promise<void>((resolve) => (finishLong = resolve));
        return storage.getStore();
      }),
    );
    const short = gate.around(() =>
      storage.run('short', async () => {
        await new Promise<void>((resolve) => (finishShort = resolve));
        return storage.getStore();
      }),
    );
    await nextTurn();

    finishShort();
    expect(await short).toBe('short');
    finishLong();
    expect(await long).toBe('long');

    const next = gate.around(() =>
      storage.run('next', async () => {
        await nextTurn();
        return storage.getStore();
      }),
    );
    expect(await next).toBe('next');
    expect(storage.getStore()).toBeUndefined();
  });
});
