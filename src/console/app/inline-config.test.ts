// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { withInlineSettings } from '../../server/console-page.ts';
import { loadConsoleConfig } from './config.ts';

// The console reads the settings the embedded server puts in its page (src/server/console-page.ts)
// and does not ask for config.json then; a page without them still fetches config.json.

const INDEX = '<link rel="preload" href="/config.json" as="fetch" crossorigin="anonymous" /><div id="root"></div>';
const SETTINGS = { fhirBaseUrl: 'https://hh.example/w/t/p/api/v1/fhir/r4', clientId: 'admin-app' };

function noFetch(): typeof fetch {
  return async () => {
    throw new Error('config.json must not be fetched');
  };
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('loadConsoleConfig', () => {
  it('takes the settings from the page when the server inlined them', async () => {
    document.body.innerHTML = withInlineSettings(INDEX, SETTINGS);
    const result = await loadConsoleConfig(noFetch());
    expect(result).toEqual({ ok: true, config: expect.objectContaining({ fhirBaseUrl: SETTINGS.fhirBaseUrl, issuer: 'https://hh.example/w/t/p/api/v1/oidc' }) });
  });

  it('explains broken inline settings instead of starting', async () => {
    document.body.innerHTML = '<script type="application/json" id="console-config">{not json</script>';
    expect(await loadConsoleConfig(noFetch())).toEqual({ ok: false, problems: [expect.stringMatching(/not valid JSON/)] });
  });

  it('fetches config.json from a host that serves index.html as it is', async () => {
    document.body.innerHTML = INDEX;
    const asked: string[] = [];
    const fetchImpl: typeof fetch = async (input) => {
      asked.push(String(input));
      return new Response(JSON.stringify(SETTINGS), { headers: { 'content-type': 'application/json' } });
    };
    expect((await loadConsoleConfig(fetchImpl)).ok).toBe(true);
    expect(asked).toEqual(['/config.json']);
  });
});
