import v8 from 'node:v8';

/**
 * How far V8 lets the old generation grow past what its last full collection kept before it
 * collects again, in percent: the limit is 1.5× the live heap.
 *
 * The server keeps about 23 MB of live heap. Left to itself, V8 picks the factor from how little
 * time its collections take, up to 4×, so after a burst of token requests the RSS read anywhere
 * from 133 to 191 MB, depending on where V8 was in its cycle, and stayed there until its memory
 * reducer ran, up to a minute later. At 1.5× it reads 132–136 MB after the same load. The cost is
 * about one more full collection a minute under that load (each 4–11 ms); the A/B runs saw no
 * change in token, read or search throughput (docs/performance.md, "Memory").
 */
const HEAP_GROWING_PERCENT = 50;

/**
 * Sets the old generation's growing factor for this process. V8 reads the flag each time it sets
 * a new limit, after every full collection, so setting it at start-up, before the server serves
 * anything, takes effect as the command-line flag would. Process-wide: call it from the process's
 * entry point (main.ts), never from buildApp, which tests call many times in one process.
 * The server's other memory setting, `--no-concurrent-recompilation`, is one of npm start's node
 * flags instead (SERVER_NODE_ARGS, scripts/build-server.mjs): V8 reads that one only at start-up.
 */
export function limitHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
