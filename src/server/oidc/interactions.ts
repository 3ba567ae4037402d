import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { InteractionResults, PromptDetail } from 'oidc-provider';
import { describeScope, parseScope } from '../../model/scopes.ts';
import { consentPage, loginPage, messagePage } from '../views/pages.ts';
import { ADMIN_APP_CLIENT_ID } from './client-metadata.ts';
import { createFailureLimiter } from './failure-limiter.ts';
import type { ConsentStore, UserStore } from './users.ts';

// The login and consent pages oidc-provider sends the browser to (its "interactions"): plain
// HTML forms posted back here, then handed to the provider with interactionResult().

export type InteractionRoutesOptions = {
  provider: Provider;
  users: UserStore;
  consents: ConsentStore;
  issuerPath: string;
  stylesheet: string;
  /** Secret for CSRF tokens (one of the persisted cookie keys). */
  csrfKey: string;
};

type Form = Record<string, string | undefined>;

/**
 * No scripts, nothing from elsewhere, framed by nobody (SPEC §7). `form-action` also governs the
 * redirects that follow a form post (CSP Level 3 §6.3.1), and a successful sign-in ends in a
 * redirect to the client: its redirect URI's origin (or private-use scheme) is allowed too.
 */
function pageCsp(redirectUri: unknown): string {
  const url = typeof redirectUri === 'string' ? URL.parse(redirectUri) : null;
  const target = !url ? '' : url.protocol === 'http:' || url.protocol === 'https:' ? ` ${url.origin}` : ` ${url.protocol}`;
  return `default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'${target}`;
}

const FORM_LIMIT = 16 * 1024;

export async function interactionRoutes(app: FastifyInstance, options: InteractionRoutesOptions): Promise<void> {
  const { provider, users, consents, issuerPath, stylesheet, csrfKey } = options;
  // OWASP ASVS 2.2.1: slow guessing per account and per address; successes reset the account.
  const perEmail = createFailureLimiter({ maxFailures: 5, windowMs: 15 * 60_000 });
  const perAddress = createFailureLimiter({ maxFailures: 20, windowMs: 15 * 60_000 });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  // The interaction is already bound to this browser by oidc-provider's cookie; the token ties
  // each form post to a page we rendered for that interaction (double defence against CSRF).
  const csrfToken = (uid: string) => createHmac('sha256', csrfKey).update(`interaction:${uid}`).digest('base64url');
  const isCsrfValid = (uid: string, presented: string | undefined) => {
    const expected = Buffer.from(csrfToken(uid));
    const actual = Buffer.from(presented ?? '');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  };

  const page = (reply: FastifyReply, status: number, body: string, redirectUri?: unknown) =>
    reply
      .code(status)
      .header('cache-control', 'no-store')
      .header('content-security-policy', pageCsp(redirectUri))
      .type('text/html; charset=utf-8')
      .send(body);

  const expired = (reply: FastifyReply) =>
    page(
      reply,
      400,
      messagePage({
        stylesheet,
        title: 'This sign-in has expired',
        message: 'Go back to the application and start signing in again.',
      }),
    );

  async function loadInteraction(request: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply) {
    try {
      const details = await provider.interactionDetails(request.raw, reply.raw);
      return details.uid === request.params.uid ? details : undefined;
    } catch {
      return undefined;
    }
  }

  /** Requested scopes, in plain language (SPEC §7). */
  function describeRequested(scope: string | undefined) {
    return [...new Set((scope ?? '').split(' ').filter(Boolean))].map((token) => {
      const parsed = parseScope(token);
      return { scope: token, description: parsed.ok ? describeScope(parsed.scope) : token };
    });
  }

  async function finish(request: FastifyRequest, reply: FastifyReply, result: InteractionResults, merge = true) {
    const returnTo = await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: merge });
    return reply.header('cache-control', 'no-store').redirect(returnTo, 303);
  }

  async function grantConsent(accountId: string, clientId: string, prompt: PromptDetail, existingGrantId: string | undefined) {
    const grant = (existingGrantId ? await provider.Grant.find(existingGrantId) : undefined) ?? new provider.Grant({ accountId, clientId });
    const details = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    consents.remember(accountId, clientId, grantId);
    return grantId;
  }

  app.get<{ Params: { uid: string } }>(`${issuerPath}/interaction/:uid`, async (request, reply) => {
    const interaction = await loadInteraction(request, reply);
    if (!interaction) return expired(reply);
    const clientId = String(interaction.params.client_id);
    const client = await provider.Client.find(clientId);
    if (!client) {
      return page(reply, 400, messagePage({ stylesheet, title: 'Unknown application', message: 'This application has been revoked.' }));
    }
    const action = `${issuerPath}/interaction/${interaction.uid}`;
    const clientName = client.clientName ?? clientId;
    const redirectUri = interaction.params.redirect_uri;
    if (interaction.prompt.name === 'login') {
      return page(reply, 200, loginPage({ stylesheet, action, csrfToken: csrfToken(interaction.uid), clientName }), redirectUri);
    }
    const accountId = interaction.session?.accountId;
    if (interaction.prompt.name !== 'consent' || !accountId) return expired(reply);
    if (clientId === ADMIN_APP_CLIENT_ID) {
      // First-party: approved without asking (SPEC §7).
      const grantId = await grantConsent(accountId, clientId, interaction.prompt, interaction.grantId);
      return finish(request, reply, { consent: { grantId } });
    }
    const user = users.findById(accountId);
    return page(
      reply,
      200,
      consentPage({
        stylesheet,
        action,
        csrfToken: csrfToken(interaction.uid),
        clientName,
        clientId,
        userEmail: user?.email ?? accountId,
        scopes: describeRequested(String(interaction.params.scope ?? '')),
      }),
      redirectUri,
    );
  });

  app.post<{ Params: { uid: string }; Body: Form }>(`${issuerPath}/interaction/:uid`, async (request, reply) => {
    const interaction = await loadInteraction(request, reply);
    if (!interaction) return expired(reply);
    const form: Form = request.body ?? {};
    if (!isCsrfValid(interaction.uid, form.csrf)) {
      return page(
        reply,
        403,
        messagePage({ stylesheet, title: 'Please try again', message: 'The form could not be verified. Go back to the application and sign in again.' }),
      );
    }
    const clientId = String(interaction.params.client_id);
    const client = await provider.Client.find(clientId);
    const clientName = client?.clientName ?? clientId;
    const action = `${issuerPath}/interaction/${interaction.uid}`;

    if (interaction.prompt.name === 'login' && form.action === 'login') {
      const email = (form.email ?? '').trim();
      const password = form.password ?? '';
      const relogin = (status: number, error: string) =>
        page(
          reply,
          status,
          loginPage({ stylesheet, action, csrfToken: csrfToken(interaction.uid), clientName, email, error }),
          interaction.params.redirect_uri,
        );
      if (!email || !password) return relogin(400, 'Enter your email and password.');
      const emailKey = email.toLowerCase();
      const wait = Math.max(perEmail.retryAfter(emailKey), perAddress.retryAfter(request.ip));
      if (wait > 0) {
        reply.header('retry-after', String(Math.ceil(wait / 1000)));
        return relogin(429, `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60_000)} minute(s).`);
      }
      const user = await users.authenticate(email, password);
      if (!user) {
        perEmail.recordFailure(emailKey);
        perAddress.recordFailure(request.ip);
        return relogin(401, 'The email or password is not correct.');
      }
      perEmail.reset(emailKey);
      return finish(request, reply, { login: { accountId: user.id } });
    }

    if (interaction.prompt.name === 'consent' && interaction.session?.accountId) {
      if (form.action === 'deny') {
        return finish(request, reply, { error: 'access_denied', error_description: 'The user denied access.' }, false);
      }
      if (form.action === 'allow') {
        const grantId = await grantConsent(interaction.session.accountId, clientId, interaction.prompt, interaction.grantId);
        return finish(request, reply, { consent: { grantId } });
      }
    }
    return expired(reply);
  });
}
