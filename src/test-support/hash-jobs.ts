import { hashRaw } from '@node-rs/argon2';
import { createHook } from 'node:async_hooks';
import { afterEach } from 'vitest';

// Node's async hooks see every hashing job handed to the thread pool, from the call until its
// callback has run, so these counts are what node ran, not what our code says it ran: how tests
// see whether a secret was hashed, and how many hashes ran at once. Legacy scrypt jobs have
// node's own type (SCRYPTREQUEST); Argon2id jobs have whatever type the native binding gives its
// work, learned once from one tiny hash rather than written down here.

let argon2JobType: Promise<string> | undefined;

function learnArgon2JobType(): Promise<string> {
  return (argon2JobType ??= (async () => {
    const seen: string[] = [];
    const hook = createHook({
      init(_id, type) {
        if (type !== 'PROMISE') seen.push(type);
      },
    }).enable();
    // The binding creates its job within the call; the hook sees only that call, nothing after.
    let job: Promise<unknown>;
    try {
      job = hashRaw('calibration', { memoryCost: 8, timeCost: 1, parallelism: 1, salt: Buffer.alloc(8) });
    } finally {
      hook.disable();
    }
    await job;
    if (seen.length !== 1) throw new Error(`One Argon2id hash started ${seen.length} async resources: ${seen.join(', ')}`);
    return seen[0] as string;
  })());
}

export async function watchHashJobs() {
  const types = new Set(['SCRYPTREQUEST', await learnArgon2JobType()]);
  const live = new Set<number>();
  let peak = 0;
  let started = 0;
  const hook = createHook({
    init(id, type) {
      if (!types.has(type)) return;
      live.add(id);
      started++;
      peak = Math.max(peak, live.size);
    },
    after(id) {
      live.delete(id);
    },
  }).enable();
  return {
    stats: () => ({ peak, started, inFlight: live.size }),
    stop: () => hook.disable(),
  };
}

export type HashJobs = Awaited<ReturnType<typeof watchHashJobs>>;

/**
 * For a test file: returns `watch`, which starts watching hash jobs for the current test; the
 * watch stops after that test, whether it passed or not, or when the test starts another.
 */
export function watchHashJobsPerTest(): () => Promise<HashJobs> {
  let current: HashJobs | undefined;
  const stop = () => {
    current?.stop();
    current = undefined;
  };
  afterEach(stop);
  return async () => {
    stop();
    return (current = await watchHashJobs());
  };
}
