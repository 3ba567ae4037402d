import { escapeHtml, renderPage } from './layout.ts';

// The pages a person sees while signing in. Errors are announced (role="alert") and tied to the
// fields they concern (aria-describedby), so they are clear with and without a screen reader.

export type LoginPageOptions = {
  stylesheet: string;
  action: string;
  csrfToken: string;
  clientName: string;
  email?: string;
  error?: string;
};

export function loginPage(o: LoginPageOptions): string {
  const error = o.error
    ? `<p id="login-error" class="error" role="alert">${escapeHtml(o.error)}</p>`
    : '';
  const invalid = o.error ? ' aria-invalid="true" aria-describedby="login-error"' : '';
  return renderPage({
    title: 'Sign in',
    stylesheet: o.stylesheet,
    main: `<h1>Sign in</h1>
<p>to continue to <strong>${escapeHtml(o.clientName)}</strong></p>
${error}
<form method="post" action="${escapeHtml(o.action)}" novalidate>
<input type="hidden" name="csrf" value="${escapeHtml(o.csrfToken)}">
<input type="hidden" name="action" value="login">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(o.email ?? '')}"${invalid}${o.email ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}${o.email ? ' autofocus' : ''}>
<button type="submit">Sign in</button>
</form>`,
  });
}

export type ConsentPageOptions = {
  stylesheet: string;
  action: string;
  csrfToken: string;
  clientName: string;
  clientId: string;
  userEmail: string;
  scopes: { scope: string; description: string }[];
};

export function consentPage(o: ConsentPageOptions): string {
  const items = o.scopes
    .map((s) => `<li>${escapeHtml(s.description)} <code>${escapeHtml(s.scope)}</code></li>`)
    .join('\n');
  return renderPage({
    title: 'Allow access?',
    stylesheet: o.stylesheet,
    main: `<h1>Allow <strong>${escapeHtml(o.clientName)}</strong> access?</h1>
<p class="meta">Client ID ${escapeHtml(o.clientId)} · signed in as ${escapeHtml(o.userEmail)}</p>
<p>It asks to:</p>
<ul class="scopes">
${items || '<li>Sign you in</li>'}
</ul>
<form method="post" action="${escapeHtml(o.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(o.csrfToken)}">
<button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny" class="secondary">Deny</button>
</form>`,
  });
}

export function messagePage(o: { stylesheet: string; title: string; message: string; details?: string }): string {
  return renderPage({
    title: o.title,
    stylesheet: o.stylesheet,
    main: `<h1>${escapeHtml(o.title)}</h1>
<p role="alert">${escapeHtml(o.message)}</p>
${o.details ? `<p class="meta">${escapeHtml(o.details)}</p>` : ''}`,
  });
}

/** oidc-provider hands over its own form (with its CSRF token); the buttons submit it. */
export function logoutPage(o: { stylesheet: string; form: string; host: string }): string {
  return renderPage({
    title: 'Sign out',
    stylesheet: o.stylesheet,
    main: `<h1>Sign out of ${escapeHtml(o.host)}?</h1>
${o.form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
  });
}
