import { randomBytes } from 'node:crypto';
import {
  parseClientApplication,
  type ClientApplication,
  type GrantType,
  type ResponseType,
} from '../model/client-application.ts';
import { describeOutcome, operationOutcome } from '../model/operation-outcome.ts';
import { CliError } from './errors.ts';
import { EXIT } from './exit-codes.ts';

// `clients new`: a ClientApplication from an app type, with the same defaults as the console's
// presets (issue 4) except that a server-side `web` app is confidential unless `--public`
// (Keycloak's and Auth0's "regular web application"). Checked with the model's rules before
// anything is sent, so the admin gets the server's own wording without a round trip.

export const CLIENT_TYPES = ['backend', 'web', 'native'] as const;
export type ClientType = (typeof CLIENT_TYPES)[number];

export interface NewClientOptions {
  type: ClientType;
  id: string;
  name: string;
  scope?: string[] | undefined;
  redirectUri?: string[] | undefined;
  description?: string | undefined;
  isPublic?: boolean | undefined;
}

interface Template {
  grantType: GrantType[];
  responseTypes: ResponseType;
  scope: string;
  isConfidential: boolean;
  usesRedirects: boolean;
}

const USER_GRANTS: GrantType[] = ['authorization_code', 'refresh_token'];

const TEMPLATES: Record<ClientType, Template> = {
  backend: {
    grantType: ['client_credentials'],
    responseTypes: 'token',
    scope: 'system/*.rs',
    isConfidential: true,
    usesRedirects: false,
  },
  web: {
    grantType: USER_GRANTS,
    responseTypes: 'code',
    scope: 'openid profile fhirUser offline_access launch/patient patient/*.rs',
    isConfidential: true,
    usesRedirects: true,
  },
  native: {
    grantType: USER_GRANTS,
    responseTypes: 'code',
    scope: 'openid profile fhirUser offline_access patient/*.rs',
    isConfidential: false,
    usesRedirects: true,
  },
};

/** 256 bits from the CSPRNG, base64url: 43 characters (SPEC §4). */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function isConfidentialType(options: Pick<NewClientOptions, 'type' | 'isPublic'>): boolean {
  return TEMPLATES[options.type].isConfidential && options.isPublic !== true;
}

/** The resource to create; `secret` is set for confidential types. Throws CliError when invalid. */
export function buildNewClient(options: NewClientOptions, secret: string | undefined): ClientApplication {
  const template = TEMPLATES[options.type];
  const redirectUri = options.redirectUri ?? [];
  if (options.type === 'backend' && options.isPublic) {
    throw new CliError(EXIT.usage, 'a backend client authenticates with its secret: --public is for web apps');
  }
  if (!template.usesRedirects && redirectUri.length > 0) {
    throw new CliError(EXIT.usage, 'a backend client signs no users in: --redirect-uri is for web and native apps');
  }
  if (template.usesRedirects && redirectUri.length === 0) {
    throw new CliError(
      EXIT.usage,
      `a ${options.type} app needs at least one --redirect-uri (where it receives sign-in responses, e.g. ${options.type === 'native' ? 'http://127.0.0.1/callback' : 'https://app.example.com/callback'})`,
    );
  }
  const isConfidential = isConfidentialType(options);
  if (isConfidential && secret === undefined) throw new TypeError('a confidential client needs a secret');
  const scopes = options.scope === undefined ? template.scope.split(' ') : options.scope.flatMap((s) => s.split(/\s+/));
  const scope = [...new Set(scopes.filter(Boolean))].join(' ');

  const resource: ClientApplication = {
    resourceType: 'ClientApplication',
    id: options.id,
    name: options.name,
    ...(options.description === undefined ? {} : { description: options.description }),
    grantType: template.grantType,
    responseTypes: template.responseTypes,
    ...(isConfidential ? { secret } : {}),
    ...(redirectUri.length > 0 ? { redirectUri } : {}),
    ...(scope === '' ? {} : { scope }),
  };
  const parsed = parseClientApplication(resource);
  if (!parsed.success) throw new CliError(EXIT.invalid, describeOutcome(operationOutcome(parsed.issues)));
  return parsed.data;
}
