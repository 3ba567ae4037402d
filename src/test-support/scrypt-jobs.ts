import { createHook } from 'node:async_hooks';

// Node's own async hooks see every scrypt job handed to the thread pool (type SCRYPTREQUEST, from
// the call until its callback has run), so these counts are what node ran, not what our code says
// it ran: how tests see whether a secret was hashed, and how many hashes ran at once.

export function watchScryptJobs() {
  const live = new Set<number>();
  let peak = 0;
  let started = 0;
  const hook = createHook({
    init(id, type) {
      if (type !== 'SCRYPTREQUEST') return;
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
