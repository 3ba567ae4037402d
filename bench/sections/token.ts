import { startChild, type Child } from '../lib/child.ts';
import { alternate, pairedRatio, type Summary } from '../lib/rounds.ts';
import type { BenchSettings } from '../settings.ts';
import type { ProductReady } from '../servers/product-server.ts';
import type { RawOidcReady } from '../servers/raw-oidc.ts';

// 1. Token endpoint: client_credentials with client_secret_basic, our server vs raw oidc-provider.

export type TokenResult = {
  ours: Summary;
  raw: Summary;
  ratio: number;
  target: number;
  isMet: boolean;
};

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const BODY = new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/*.*' }).toString();

async function assertIssuesJwt(tokenEndpoint: string, authorization: string) {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: BODY,
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || body.access_token?.split('.').length !== 3) {
    throw new Error(`${tokenEndpoint} did not issue a JWT access token: ${response.status} ${JSON.stringify(body)}`);
  }
}

export async function benchToken(product: Child<ProductReady>, settings: BenchSettings): Promise<TokenResult> {
  const raw = await startChild<RawOidcReady>('servers/raw-oidc.ts');
  try {
    const ours = { url: product.ready.tokenEndpoint, authorization: basic(product.ready.systemClient.id, product.ready.systemClient.secret) };
    const baseline = { url: raw.ready.tokenEndpoint, authorization: basic(raw.ready.client.id, raw.ready.client.secret) };
    await assertIssuesJwt(ours.url, ours.authorization);
    await assertIssuesJwt(baseline.url, baseline.authorization);
    const target = (name: string, t: { url: string; authorization: string }, server: Child<unknown>) => ({
      name,
      server,
      options: () => ({
        url: t.url,
        method: 'POST' as const,
        headers: { authorization: t.authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: BODY,
        connections: 10,
        duration: settings.tokenDuration,
      }),
    });
    const summaries = await alternate([target('raw', baseline, raw as Child<unknown>), target('ours', ours, product as Child<unknown>)], {
      rounds: settings.tokenRounds,
      duration: settings.tokenDuration,
      warmup: settings.tokenWarmup,
      log: settings.log,
    });
    const oursSummary = summaries.ours as Summary;
    const rawSummary = summaries.raw as Summary;
    const r = pairedRatio(oursSummary, rawSummary);
    return { ours: oursSummary, raw: rawSummary, ratio: r, target: 0.9, isMet: r >= 0.9 && oursSummary.non2xx === 0 };
  } finally {
    await raw.stop();
  }
}
