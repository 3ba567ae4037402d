import type { ClientApplication } from '../../src/model/client-application.ts';

// The seeded clients: realistic, valid ClientApplications, deterministic from their number.

/** First words of client names: a name search for one of them matches 1/40 of all clients. */
export const NAME_WORDS = [
  'acme', 'apex', 'atlas', 'aurora', 'beacon', 'birch', 'cedar', 'cobalt', 'delta', 'ember',
  'falcon', 'fjord', 'garnet', 'harbor', 'helix', 'indigo', 'juniper', 'kestrel', 'lumen', 'maple',
  'meridian', 'nimbus', 'nova', 'onyx', 'orchid', 'pioneer', 'quartz', 'raven', 'sable', 'sequoia',
  'summit', 'tundra', 'umber', 'vector', 'willow', 'xenon', 'yarrow', 'zenith', 'zephyr', 'zircon',
] as const;
const KINDS = ['Patient Portal', 'Scheduling App', 'Lab Connector', 'Billing Service', 'Analytics Export', 'Care Dashboard'];
export const CONFIDENTIAL_EVERY = 100;

/** 1 client in 100 is confidential, spread evenly over names (a multiplicative hash, not n % 100). */
export const isConfidential = (n: number) => Math.imul(n, 2654435761) >>> 0 < 2 ** 32 / CONFIDENTIAL_EVERY;

export const seededId = (n: number) => `bench-${String(n).padStart(6, '0')}`;

export function clientNumber(n: number): ClientApplication {
  const word = NAME_WORDS[n % NAME_WORDS.length] as string;
  const name = `${word[0]?.toUpperCase()}${word.slice(1)} ${KINDS[n % KINDS.length]} ${n}`;
  const host = `${word}-${n}.example.org`;
  if (isConfidential(n)) {
    return {
      resourceType: 'ClientApplication',
      id: seededId(n),
      name,
      description: `Nightly export job ${n} of the ${word} integration: reads scheduling data as itself.`,
      grantType: ['client_credentials'],
      responseTypes: 'token',
      scope: 'system/Patient.rs system/Appointment.rs',
    };
  }
  return {
    resourceType: 'ClientApplication',
    id: seededId(n),
    name,
    description: `The ${word} ${KINDS[n % KINDS.length]?.toLowerCase()} for clinic ${n}: patients sign in to see appointments and results.`,
    grantType: ['authorization_code', 'refresh_token'],
    responseTypes: 'code',
    redirectUri: [`https://${host}/callback`, `https://${host}/silent-renew`],
    uri: `https://${host}/`,
    scope: 'openid profile fhirUser offline_access launch/patient patient/*.rs',
  };
}
