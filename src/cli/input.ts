import fs from 'node:fs';
import type { FhirResource } from '../fhir/bundle.ts';
import type { JsonPatchOperation } from '../fhir/client.ts';
import { isFhirId } from '../model/client-application.ts';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { readAll, type CliIo } from './io.ts';

// Request bodies: `--data JSON`, `--file PATH` (`-` is stdin) or piped stdin. Everything is
// checked before any request is sent, so malformed input changes nothing on the server.
// Error messages never quote the input: it may hold a client secret.

export interface BodyOptions {
  data?: string | undefined;
  file?: string | undefined;
}

export interface BodyText {
  text: string;
  /** Where it came from, for messages: `--data`, `--file client.json`, `stdin`. */
  source: string;
}

export async function readBodyText(options: BodyOptions, io: CliIo, context: { isStdinTaken: boolean }): Promise<BodyText> {
  if (options.data !== undefined && options.file !== undefined) {
    throw new CliError(EXIT.usage, 'give the body with either --data or --file, not both');
  }
  if (options.data !== undefined) return { text: options.data, source: '--data' };
  const fromStdin = options.file === undefined || options.file === '-';
  if (fromStdin) {
    if (context.isStdinTaken) {
      throw new CliError(EXIT.usage, 'stdin already carries the client secret (--client-secret-stdin): give the body with --data or --file');
    }
    if (io.stdin.isTTY) {
      throw new CliError(EXIT.usage, 'no body: give it with --data JSON or --file PATH, or pipe it on stdin');
    }
    return { text: await readAll(io.stdin), source: 'stdin' };
  }
  const file = options.file as string;
  try {
    return { text: fs.readFileSync(file, 'utf8'), source: `--file ${file}` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new CliError(EXIT.usage, `cannot read --file ${file}: ${why}`);
  }
}

/** JSON.parse with a message that names the place but never echoes the text (V8 quotes it). */
export function parseJsonInput({ text, source }: BodyText): unknown {
  if (text.trim() === '') throw new CliError(EXIT.invalid, `the body from ${source} is empty`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    // V8 may quote the input (`Unexpected token '}', ..."value":}]" is not valid JSON`): keep
    // only the text before the first double quote, and never the input itself.
    const reason = (message.split('"')[0] ?? '')
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/[\s,.]+$/, '')
      .replace(/^Unexpected end of JSON input$/, 'it ends too early');
    const position = /at position (\d+)/.exec(message)?.[1];
    const where = position === undefined ? '' : ` at ${lineAndColumn(text, Number(position))}`;
    throw new CliError(EXIT.invalid, `the body from ${source} is not valid JSON${where}: ${reason || 'syntax error'}`);
  }
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${(before[before.length - 1]?.length ?? 0) + 1}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** `api create`: a resource whose `resourceType` says where it goes. */
export function asCreateBody(json: unknown, source: string): FhirResource {
  if (!isRecord(json)) {
    throw new CliError(EXIT.invalid, `the body from ${source} must be a JSON object (a FHIR resource), not ${describeJsonType(json)}`);
  }
  if (typeof json.resourceType !== 'string' || json.resourceType === '') {
    throw new CliError(EXIT.invalid, `the body from ${source} has no resourceType: add "resourceType":"ClientApplication"`);
  }
  // Both become URL path segments: check them here rather than send a request elsewhere.
  if (!/^[A-Z][A-Za-z0-9]{0,63}$/.test(json.resourceType)) {
    throw new CliError(EXIT.invalid, `the body from ${source} has a resourceType that is not a FHIR resource type, such as ClientApplication`);
  }
  if (json.id !== undefined && (typeof json.id !== 'string' || !isFhirId(json.id) || json.id === '.' || json.id === '..')) {
    throw new CliError(EXIT.invalid, `the body from ${source} has an id that is not a FHIR id (1 to 64 letters, digits, "-" or ".")`);
  }
  return json as FhirResource;
}

/**
 * `api update TYPE ID`: `resourceType` and `id` are filled in from the arguments when absent and
 * must match them when present (the server would refuse the mismatch anyway, FHIR R4 §3.1.0.4).
 */
export function asUpdateBody(json: unknown, source: string, type: string, id: string): FhirResource {
  if (!isRecord(json)) {
    throw new CliError(EXIT.invalid, `the body from ${source} must be a JSON object (a FHIR resource), not ${describeJsonType(json)}`);
  }
  if (json.resourceType !== undefined && json.resourceType !== type) {
    throw new CliError(EXIT.invalid, `the body from ${source} is a ${String(json.resourceType)}, not a ${type}`);
  }
  if (json.id !== undefined && json.id !== id) {
    throw new CliError(EXIT.invalid, `the body from ${source} has id "${String(json.id)}", not "${id}" as in the arguments`);
  }
  return { ...json, resourceType: type, id } as FhirResource;
}

const PATCH_OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** `api patch`: an RFC 6902 JSON Patch document, checked for shape (the server checks the rest). */
export function asJsonPatch(json: unknown, source: string): JsonPatchOperation[] {
  if (!Array.isArray(json)) {
    throw new CliError(
      EXIT.invalid,
      `the body from ${source} must be a JSON Patch array such as [{"op":"replace","path":"/name","value":"New name"}], not ${describeJsonType(json)}`,
    );
  }
  if (json.length === 0) throw new CliError(EXIT.invalid, `the JSON Patch from ${source} has no operations`);
  json.forEach((op: unknown, index) => {
    const where = `operation ${index} of the JSON Patch from ${source}`;
    if (!isRecord(op)) throw new CliError(EXIT.invalid, `${where} is not an object`);
    if (typeof op.op !== 'string' || !PATCH_OPS.has(op.op)) {
      throw new CliError(EXIT.invalid, `${where} needs "op": one of add, remove, replace, move, copy or test`);
    }
    if (typeof op.path !== 'string') throw new CliError(EXIT.invalid, `${where} needs a "path" string such as "/name"`);
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      throw new CliError(EXIT.invalid, `${where} (${op.op}) needs a "from" string`);
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
      throw new CliError(EXIT.invalid, `${where} (${op.op}) needs a "value"`);
    }
  });
  return json as JsonPatchOperation[];
}

/**
 * `api search` parameters: `name=value` words, or whole query strings (`'a=1&b=2'`, a leading `?`
 * allowed), in order. A repeated parameter is kept repeated (AND in FHIR search).
 */
export function parseSearchQuery(parts: readonly string[]): URLSearchParams {
  const query = new URLSearchParams();
  for (const part of parts) {
    const text = part.startsWith('?') ? part.slice(1) : part;
    for (const pair of text.split('&')) {
      if (pair === '') continue;
      if (!pair.includes('=') || pair.startsWith('=')) {
        throw new CliError(EXIT.usage, `search parameters are name=value pairs, such as name=portal or _count=10: got "${pair}"`);
      }
      for (const [key, value] of new URLSearchParams(pair)) query.append(key, value);
    }
  }
  return query;
}
