import { issue, type OutcomeIssue } from './operation-outcome.ts';

// Display metadata (SPEC §5): shown to users on the sign-in and consent pages, never fetched by
// the server. https only, so a consent page never links to or loads mixed content.

const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;

/**
 * What is wrong with a display URL, as a sentence starting "Must …" (it reads on its own under a
 * form field), or `null` if it is fine.
 */
export function checkDisplayUri(uri: string): string | null {
  if (uri.length === 0) {
    return 'Must not be empty: leave it out instead.';
  }
  if (WHITESPACE_OR_CONTROL.test(uri)) {
    return 'Must not contain spaces, line breaks or other control characters.';
  }
  if (!/^https:\/\/[^/?#]/i.test(uri)) {
    return 'Must be an absolute https URL (https://…).';
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'Must be a valid URL.';
  }
  if (/^https:\/\/[^/?#]*@/i.test(uri) || url.username !== '' || url.password !== '') {
    return 'Must not contain a user name or password (user@host).';
  }
  return null;
}

type DisplayUriField = 'uri' | 'logoUri' | 'tosUri' | 'policyUri';

const DISPLAY_URI_LABELS: Record<DisplayUriField, string> = {
  uri: 'Home page URL',
  logoUri: 'Logo URL',
  tosUri: 'Terms of service URL',
  policyUri: 'Privacy policy URL',
};

/** Issues for the four display URLs of a ClientApplication, e.g. at `ClientApplication.logoUri`. */
export function checkDisplayUris(
  resource: Partial<Record<DisplayUriField, string | undefined>>,
  root = 'ClientApplication',
): OutcomeIssue[] {
  const issues: OutcomeIssue[] = [];
  for (const field of Object.keys(DISPLAY_URI_LABELS) as DisplayUriField[]) {
    const value = resource[field];
    if (value === undefined) continue;
    const problem = checkDisplayUri(value);
    if (problem !== null) {
      // "Must be …" → "Logo URL must be …"
      const sentence = `${DISPLAY_URI_LABELS[field]} ${problem.charAt(0).toLowerCase()}${problem.slice(1)}`;
      issues.push(issue('value', sentence, `${root}.${field}`));
    }
  }
  return issues;
}
