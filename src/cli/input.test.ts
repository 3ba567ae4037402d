import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';
import { asCreateBody, asJsonPatch, asUpdateBody, parseJsonInput, parseSearchQuery, readBodyText } from './input.ts';
import type { CliIo } from './io.ts';

function io(stdin: string | undefined, isTTY = false): CliIo {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  return {
    stdin: Object.assign(Readable.from(stdin === undefined ? [] : [stdin]), { isTTY }),
    stdout: sink,
    stderr: sink,
    env: {},
  };
}

function failure(run: () => unknown): CliError {
  try {
    run();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

async function asyncFailure(run: () => Promise<unknown>): Promise<CliError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('parseJsonInput', () => {
  it('parses JSON', () => {
    expect(parseJsonInput({ text: '{"a":[1]}', source: '--data' })).toEqual({ a: [1] });
  });

  it('names where malformed JSON breaks without quoting the input, which may hold a secret', () => {
    const error = failure(() => parseJsonInput({ text: '{"secret":"hunter2-very-secret"\n x}', source: '--data' }));
    expect(error.exitCode).toBe(EXIT.invalid);
    expect(error.message).toMatch(/^the body from --data is not valid JSON at line 2, column 2: /);
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    '["hunter2-very-secret",]',
    '[{"op":"replace","path":"/secret","value":}]',
    '{"secret":"hunter2-very-secret"}}',
    '{"secret":"hunter2-very-secret"',
    '{"secret":"hunter2-\u0001"}',
  ])('does not quote the input even where V8 would: %s', (text) => {
    const error = failure(() => parseJsonInput({ text, source: 'stdin' }));
    expect(error.message).toMatch(/^the body from stdin is not valid JSON( at line \d+, column \d+)?: [^"]+$/);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('secret');
  });

  it('says when the input ends too early or is empty', () => {
    expect(failure(() => parseJsonInput({ text: '{"a":', source: '--data' })).message).toContain('it ends too early');
    expect(failure(() => parseJsonInput({ text: '  \n', source: 'stdin' })).message).toBe('the body from stdin is empty');
  });
});

describe('asCreateBody', () => {
  it('accepts a resource with a resourceType, with or without id', () => {
    expect(asCreateBody({ resourceType: 'ClientApplication', id: 'cli' }, '--data')).toEqual({ resourceType: 'ClientApplication', id: 'cli' });
    expect(asCreateBody({ resourceType: 'ClientApplication' }, '--data')).toEqual({ resourceType: 'ClientApplication' });
  });

  it('refuses non-objects, a missing resourceType and a non-string id as invalid', () => {
    for (const body of [
      [],
      'x',
      null,
      { id: 'cli' },
      { resourceType: 'ClientApplication', id: 3 },
      { resourceType: 'ClientApplication', id: '..' },
      { resourceType: 'ClientApplication', id: 'a/b' },
      { resourceType: '../metadata' },
    ]) {
      expect(failure(() => asCreateBody(body, '--data')).exitCode).toBe(EXIT.invalid);
    }
    expect(failure(() => asCreateBody({ id: 'cli' }, '--data')).message).toContain('"resourceType":"ClientApplication"');
  });
});

describe('asUpdateBody', () => {
  it('fills resourceType and id from the arguments', () => {
    expect(asUpdateBody({ name: 'x' }, '--data', 'ClientApplication', 'cli')).toEqual({
      name: 'x',
      resourceType: 'ClientApplication',
      id: 'cli',
    });
  });

  it('refuses a body for another type or id', () => {
    expect(failure(() => asUpdateBody({ resourceType: 'Patient' }, '--data', 'ClientApplication', 'cli')).message).toBe(
      'the body from --data is a Patient, not a ClientApplication',
    );
    expect(failure(() => asUpdateBody({ id: 'other' }, '--data', 'ClientApplication', 'cli')).exitCode).toBe(EXIT.invalid);
  });
});

describe('asJsonPatch', () => {
  it('accepts RFC 6902 operations', () => {
    const patch = [
      { op: 'replace', path: '/name', value: 'x' },
      { op: 'remove', path: '/secret' },
      { op: 'move', from: '/a', path: '/b' },
    ];
    expect(asJsonPatch(patch, '--data')).toEqual(patch);
  });

  it.each([
    [{ op: 'replace', path: '/name', value: 'x' }, 'must be a JSON Patch array'],
    [[], 'has no operations'],
    [[{ op: 'rename', path: '/a' }], 'operation 0 of the JSON Patch from --data needs "op"'],
    [[{ op: 'remove' }], 'needs a "path"'],
    [[{ op: 'copy', path: '/a' }], 'needs a "from"'],
    [[{ op: 'add', path: '/a' }], 'needs a "value"'],
  ])('refuses %j', (patch, message) => {
    const error = failure(() => asJsonPatch(patch, '--data'));
    expect(error.exitCode).toBe(EXIT.invalid);
    expect(error.message).toContain(message);
  });
});

describe('parseSearchQuery', () => {
  it('takes name=value words and query strings, keeping repeats', () => {
    expect(parseSearchQuery(['name=Patient Portal', '?_count=5&grantType=a', 'grantType=b']).toString()).toBe(
      'name=Patient+Portal&_count=5&grantType=a&grantType=b',
    );
    expect(parseSearchQuery([]).toString()).toBe('');
  });

  it('refuses words that are not name=value as a usage error', () => {
    expect(failure(() => parseSearchQuery(['portal'])).exitCode).toBe(EXIT.usage);
    expect(failure(() => parseSearchQuery(['=x'])).exitCode).toBe(EXIT.usage);
  });
});

describe('readBodyText', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-admin-input-'));

  it('reads --data, --file and piped stdin', async () => {
    const file = path.join(dir, 'body.json');
    fs.writeFileSync(file, '{"from":"file"}');
    expect(await readBodyText({ data: '{}' }, io(undefined), { isStdinTaken: false })).toEqual({ text: '{}', source: '--data' });
    expect(await readBodyText({ file }, io(undefined), { isStdinTaken: false })).toEqual({
      text: '{"from":"file"}',
      source: `--file ${file}`,
    });
    expect(await readBodyText({}, io('{"from":"stdin"}'), { isStdinTaken: false })).toEqual({
      text: '{"from":"stdin"}',
      source: 'stdin',
    });
    expect((await readBodyText({ file: '-' }, io('[]'), { isStdinTaken: false })).text).toBe('[]');
  });

  it('refuses --data with --file, a missing file, a terminal and a stdin that carries the secret', async () => {
    const cases: [Parameters<typeof readBodyText>, string][] = [
      [[{ data: '{}', file: 'x' }, io(undefined), { isStdinTaken: false }], 'either --data or --file'],
      [[{ file: path.join(dir, 'missing.json') }, io(undefined), { isStdinTaken: false }], 'no such file'],
      [[{}, io(undefined, true), { isStdinTaken: false }], 'no body'],
      [[{}, io('{}'), { isStdinTaken: true }], 'stdin already carries the client secret'],
    ];
    for (const [args, message] of cases) {
      const error = await asyncFailure(() => readBodyText(...args));
      expect(error.exitCode).toBe(EXIT.usage);
      expect(error.message).toContain(message);
    }
  });
});
