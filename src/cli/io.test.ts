import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeJson, type CliIo } from './io.ts';
import { redactSecrets } from './redact.ts';

function capture(isTTY: boolean): { io: CliIo; text: () => string } {
  let text = '';
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        text += chunk.toString();
        callback();
      },
    }),
    { isTTY },
  );
  return { io: { stdin: process.stdin, stdout, stderr: stdout, env: {} }, text: () => text };
}

describe('writeJson', () => {
  const resource = { resourceType: 'ClientApplication', id: 'cli', grantType: ['client_credentials'] };

  it('indents on a terminal and writes one line when piped', () => {
    const tty = capture(true);
    writeJson(tty.io, resource, undefined);
    expect(tty.text()).toBe(`${JSON.stringify(resource, null, 2)}\n`);
    const pipe = capture(false);
    writeJson(pipe.io, resource, undefined);
    expect(pipe.text()).toBe(`${JSON.stringify(resource)}\n`);
  });

  it('follows --pretty and --no-pretty over the default', () => {
    const pipe = capture(false);
    writeJson(pipe.io, resource, true);
    expect(pipe.text().split('\n').length).toBeGreaterThan(3);
    const tty = capture(true);
    writeJson(tty.io, resource, false);
    expect(tty.text()).toBe(`${JSON.stringify(resource)}\n`);
  });
});

describe('redactSecrets', () => {
  it('drops secret from every ClientApplication, inside Bundles too, and leaves other resources alone', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [
        { resource: { resourceType: 'ClientApplication', id: 'a', secret: 'leaked-by-a-lax-server' } },
        { resource: { resourceType: 'Basic', id: 'b', secret: 'not a ClientApplication field' } },
      ],
    };
    expect(redactSecrets(bundle)).toEqual({
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [{ resource: { resourceType: 'ClientApplication', id: 'a' } }, { resource: bundle.entry[1]?.resource }],
    });
    expect(bundle.entry[0]?.resource.secret).toBe('leaked-by-a-lax-server');
  });
});
