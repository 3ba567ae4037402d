import type { Readable, Writable } from 'node:stream';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import type { Env } from './config.ts';

// The process boundary, passed in so the whole CLI runs in tests with its own streams,
// environment and config directory (and, in main.ts, with the real ones).

export interface CliIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Env;
  fetch?: typeof fetch;
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A secret from stdin: piped (`printf %s "$SECRET" | …`, one trailing newline dropped), or typed
 * at a hidden prompt on a terminal. Never an argument: arguments land in shell history and `ps`.
 */
export async function readSecret(io: CliIo, prompt: string): Promise<string> {
  const secret = io.stdin.isTTY && io.stdin.setRawMode ? await readHidden(io, prompt) : stripNewline(await readAll(io.stdin));
  if (secret === '') throw new CliError(EXIT.usage, 'the client secret read from stdin is empty');
  return secret;
}

function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** Reads one line with echo off (raw mode), writing the prompt to stderr. */
function readHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin;
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  stdin.resume();
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (error?: CliError) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        if (char === '\u0003') return finish(new CliError(EXIT.usage, 'cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** FHIR JSON on stdout: indented on a terminal, one line when piped, unless `pretty` says otherwise. */
export function writeJson(io: CliIo, value: unknown, pretty: boolean | undefined): void {
  const isPretty = pretty ?? io.stdout.isTTY === true;
  io.stdout.write(`${isPretty ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`);
}
