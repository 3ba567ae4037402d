import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { runCli } from '../program.ts';
import type { Env } from '../config.ts';

// Two ways for tests to run the CLI: as the real process (`node --import tsx src/cli/main.ts`:
// exit code, stdout and stderr exactly as a shell sees them) and in-process through `runCli`
// with captured streams (fast; used where the process boundary is not what is being tested).

export const CLI_MAIN = path.resolve(import.meta.dirname, '..', 'main.ts');
export const CLI_BIN = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'client-admin.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The whole environment of the run: nothing is inherited but PATH. */
  env?: Env;
  /** Piped to stdin; without it stdin is empty (as with `< /dev/null`). */
  stdin?: string;
}

const homes: string[] = [];

/** A throwaway HOME and XDG_CONFIG_HOME, so no test reads or writes the developer's profile. */
export function tempHome(): { HOME: string; XDG_CONFIG_HOME: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'client-admin-cli-home-'));
  homes.push(home);
  return { HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg') };
}

/** Removes every directory `tempHome` made (call it in afterAll). */
export function removeTempHomes(): void {
  for (const home of homes.splice(0)) fs.rmSync(home, { recursive: true, force: true });
}

export function spawnCli(args: readonly string[], options: RunOptions = {}, entry: string = CLI_MAIN): Promise<CliResult> {
  const argv = entry.endsWith('.ts') ? ['--import', 'tsx', entry, ...args] : [entry, ...args];
  const child = spawn(process.execPath, argv, {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

export async function runInProcess(
  args: readonly string[],
  options: RunOptions & { isTTY?: boolean } = {},
): Promise<CliResult> {
  const stdout = new Capture(options.isTTY ?? false);
  const stderr = new Capture(options.isTTY ?? false);
  const stdin = Object.assign(Readable.from(options.stdin === undefined ? [] : [options.stdin]), {
    isTTY: options.isTTY ?? false,
  });
  const code = await runCli(args, { stdin, stdout, stderr, env: options.env ?? {} });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
