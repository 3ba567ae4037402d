import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { youngGenerationBytes } from '../../src/server/idle-collection.ts';

// Servers under test run in their own child process, pinned to one core with `taskset -c 1`
// where taskset exists, while the load generator (this process) runs on core 0. Children talk
// to the bench over Node's IPC channel: one `ready` message, then request/response commands.

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(BENCH_DIR, '..');

export const SERVER_CORE = '1';
/** The bench itself: the load generator, and Playwright's driver of Chromium, which starts here. */
export const BENCH_CORE = '0';

let isTasksetHere: boolean | undefined;

/** Whether taskset exists and works here: asked once, since every pin and every child start asks. */
export function hasTaskset(): boolean {
  isTasksetHere ??= spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' }).status === 0;
  return isTasksetHere;
}

/** Pins process `pid`, every thread of it, to `cores` (taskset's list: "1", "0,1"); false where taskset is missing or refuses. */
export function pinProcess(pid: number, cores: string): boolean {
  return hasTaskset() && spawnSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' }).status === 0;
}

/** Pins this process, every thread of it, to `core`; false where taskset is missing or refuses. */
export const pinThisProcess = (core: string): boolean => pinProcess(process.pid, core);

export type Child<Ready> = {
  ready: Ready;
  pid: number;
  call: <T>(command: string, args?: unknown) => Promise<T>;
  stop: () => Promise<void>;
};

type Reply = { id: number; ok: boolean; result?: unknown; error?: string };

export type ChildOptions = { args?: readonly string[]; env?: Record<string, string>; pin?: boolean; timeoutMs?: number; loader?: 'tsx' | 'none'; nodeArgs?: readonly string[] };

/** Starts `bench/<script>` (TypeScript through tsx, unless `loader: 'none'`) and waits for its `ready` message. */
export async function startChild<Ready>(script: string, options: ChildOptions = {}): Promise<Child<Ready>> {
  const loader = options.loader === 'none' ? [] : ['--import', 'tsx'];
  const node = [process.execPath, ...(options.nodeArgs ?? []), ...loader, path.join(BENCH_DIR, script), ...(options.args ?? [])];
  const pinned = options.pin !== false && hasTaskset();
  const [command, ...args] = (pinned ? ['taskset', '-c', SERVER_CORE, ...node] : node) as [string, ...string[]];
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let exited = false;

  const ready = await new Promise<Ready>((resolve, reject) => {
    // A child that never gets ready is killed: its IPC channel would keep the bench alive.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start within ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    child.on('message', (message: { type?: string; ready?: Ready } & Partial<Reply>) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.ready as Ready);
        return;
      }
      const waiter = message.id === undefined ? undefined : pending.get(message.id);
      if (!waiter || message.id === undefined) return;
      pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(message.error ?? 'child command failed'));
    });
    child.once('exit', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      const error = new Error(`${script} exited (${code ?? signal})`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  });

  return {
    ready,
    pid: child.pid as number,
    call: <T>(command: string, args?: unknown) =>
      new Promise<T>((resolve, reject) => {
        if (exited) return reject(new Error(`${script} is not running`));
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, command, args });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The server's own pauses since the previous `usage` call. majorGcMs: the part of gcMs in the old
 * generation's collections (mark-compact and its incremental marking steps), the rest being
 * young-generation scavenges and weak callbacks.
 */
export type Pauses = { gcMs: number; majorGcMs: number; longestGcMs: number; longestStallMs: number };

/** What `usage` answers: the process's CPU time so far, and its pauses since the previous call. */
export type Usage = Pauses & { cpuMs: number };

/** CPU time of the whole process (every thread), in milliseconds. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Watches the process's own pauses: garbage collection (V8's GC entries, their durations summed)
 * and the event loop's longest stall (how much later than due a 10 ms timer fired, at most: the
 * histogram holds the intervals between its firings). A run in which the server lost throughput
 * then tells whether its collector did, or something else that held its one thread (such as a
 * compilation on the main thread, since `--no-concurrent-recompilation`), or neither, and the host
 * did. Both are cheap: a GC entry per collection, a timer every 10 ms.
 */
function watchPauses(): () => Pauses {
  let gcMs = 0;
  let majorGcMs = 0;
  let longestGcMs = 0;
  const major = new Set([constants.NODE_PERFORMANCE_GC_MAJOR, constants.NODE_PERFORMANCE_GC_INCREMENTAL]);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      if (major.has((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0)) majorGcMs += entry.duration;
      longestGcMs = Math.max(longestGcMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  const resolutionMs = 10;
  const loop = monitorEventLoopDelay({ resolution: resolutionMs });
  loop.enable();
  return () => {
    const pauses = { gcMs, majorGcMs, longestGcMs, longestStallMs: Math.max(0, loop.max / 1e6 - resolutionMs) };
    gcMs = 0;
    majorGcMs = 0;
    longestGcMs = 0;
    loop.reset();
    return pauses;
  };
}

/** The child side: announce readiness and answer commands. */
export function serveCommands<Ready>(ready: Ready, handlers: Record<string, (args: unknown) => unknown>): void {
  if (!process.send) throw new Error('bench children must be started with an IPC channel (bench/lib/child.ts)');
  const pauses = watchPauses();
  const builtIn: Record<string, () => unknown> = {
    cpu: cpuMs,
    /** One call before and one after a measured run: what the server used and where it paused. */
    usage: (): Usage => ({ cpuMs: cpuMs(), ...pauses() }),
  };
  process.on('message', async (message: { id: number; command: string; args?: unknown }) => {
    const handler = handlers[message.command] ?? builtIn[message.command];
    try {
      if (!handler) throw new Error(`unknown command ${message.command}`);
      const result = await handler(message.args);
      process.send?.({ id: message.id, ok: true, result });
    } catch (error) {
      process.send?.({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
  process.send({ type: 'ready', ready });
}

/**
 * Resident set size and peak, in MB, of the current process, with V8's heap: what it uses, what
 * it has committed (heapTotal), and how much of that is the young generation's: most of what
 * moves the server's RSS from one reading to the next (docs/performance.md, "Memory").
 */
export function memory() {
  const usage = process.memoryUsage();
  return {
    rssMb: usage.rss / 2 ** 20,
    heapUsedMb: usage.heapUsed / 2 ** 20,
    heapCommittedMb: usage.heapTotal / 2 ** 20,
    youngCommittedMb: youngGenerationBytes() / 2 ** 20,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
