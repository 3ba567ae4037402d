import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SERVER_BUNDLE, SERVER_NODE_ARGS } from '../../scripts/build-server.mjs';

// The real entry point as a child process, run the way `npm start` runs it, for tests and scripts
// that must kill it (crash durability) or measure it from outside (the soak's RSS). Waits on its
// output, never on time.

/**
 * Node's arguments for the server as `npm start` runs it: plain node on the bundle of
 * src/server/main.ts. The bundle is built by scripts/build-server.mjs (the vitest global setup
 * does it before any test file runs; scripts call bundleServer() first).
 */
export const SERVER_PROCESS_ARGS: readonly string[] = [...SERVER_NODE_ARGS, SERVER_BUNDLE];

export type ChildServer = {
  child: ChildProcessWithoutNullStreams;
  origin: string;
  fhirBaseUrl: string;
  issuer: string;
  tokenEndpoint: string;
  output: () => string;
  exited: Promise<number | null>;
  /** SIGKILL, then wait for the process to be gone. */
  kill: () => Promise<void>;
  /** SIGTERM (graceful close), then wait. */
  stop: () => Promise<number | null>;
};

/** A basic_auth + client_credentials client with scope system/*.*, seeded the way an operator would (SEED_BUNDLE). */
export function writeSeedBundle(dir: string, client: { id: string; secret: string }): string {
  const file = path.join(dir, 'seed.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        {
          request: { method: 'PUT', url: `ClientApplication/${client.id}` },
          resource: {
            resourceType: 'ClientApplication',
            id: client.id,
            name: 'Operator',
            grantType: ['client_credentials', 'basic_auth'],
            responseTypes: 'token',
            secret: client.secret,
            scope: 'system/*.*',
          },
        },
      ],
    }),
  );
  return file;
}

export async function startChildServer(options: {
  port: number;
  dataDir: string;
  seedBundle?: string;
  env?: Record<string, string>;
  /** How long to wait for "Client Admin is running" (a cold start on a busy machine is slow). */
  startTimeoutMs?: number;
}): Promise<ChildServer> {
  const origin = `http://127.0.0.1:${options.port}`;
  const child = spawn(process.execPath, SERVER_PROCESS_ARGS, {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(options.port),
      PUBLIC_URL: origin,
      DATA_DIR: options.dataDir,
      LOG_LEVEL: 'warn',
      ...(options.seedBundle ? { SEED_BUNDLE: options.seedBundle } : {}),
      ...options.env,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${options.startTimeoutMs ?? 60_000} ms:\n${output}`));
    }, options.startTimeoutMs ?? 60_000);
    const check = () => {
      if (/Client Admin is running/.test(output)) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve();
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before it was running:\n${output}`));
    });
  });

  const base = `${origin}/w/default/default/api/v1`;
  return {
    child,
    origin,
    fhirBaseUrl: `${base}/fhir/r4`,
    issuer: `${base}/oidc`,
    tokenEndpoint: `${base}/oidc/token`,
    output: () => output,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
