import { z } from 'zod';
import { ClientApplicationSchema, type ClientApplication } from '../model/client-application.ts';
import type { Bundle, FhirResource } from './bundle.ts';
import type {
  BundleResult,
  ConditionalOptions,
  FhirClient,
  JsonPatchOperation,
  RequestOptions,
  ResourceResult,
} from './client.ts';
import { FhirInvalidResponseError } from './fhir-error.ts';

// Typed ClientApplication verbs for the console and the CLI. Every resource that comes back is
// stripped of `secret` *before* it is parsed: Haste Health returns secrets on read (SPEC §6) and
// we must never show or cache one. Secrets only ever travel outwards, in create/update bodies.

const TYPE = 'ClientApplication';

/** SPEC §2 search parameters. Values `undefined` or `''` are left out of the query. */
export interface ClientApplicationSearchParams {
  /** Case-insensitive prefix; a comma ORs several. */
  name?: string;
  grantType?: string | string[];
  _id?: string;
  _lastUpdated?: string | string[];
  /** e.g. `name`, `-_lastUpdated`. */
  _sort?: string;
  _total?: 'none' | 'estimate' | 'accurate';
  _count?: number;
  _offset?: number;
}

export interface ClientApplicationHistoryParams {
  _count?: number;
  _offset?: number;
  _since?: string;
}

export type ClientApplicationResult = ResourceResult<ClientApplication>;
export type ClientApplicationSearchResult = BundleResult<ClientApplication>;

export interface ClientApplicationHistoryEntry {
  /** `POST`, `PUT`, `PATCH`, `DELETE` as the server reports it, if it does. */
  method: string | undefined;
  /** The version as it was; absent for a deletion. */
  resource: ClientApplication | undefined;
}

export interface ClientApplicationHistoryResult extends BundleResult<ClientApplication> {
  /** Every history entry, newest first (deletions included, with no resource). */
  entries: ClientApplicationHistoryEntry[];
}

export async function searchClientApplications(
  client: FhirClient,
  params: ClientApplicationSearchParams = {},
  options: RequestOptions = {},
): Promise<ClientApplicationSearchResult> {
  return toClientApplicationBundle(await client.search(TYPE, compact(params), options));
}

/** Follows a `next` / `previous` URL from `searchClientApplications`. */
export async function searchClientApplicationsByUrl(
  client: FhirClient,
  url: string,
  options: RequestOptions = {},
): Promise<ClientApplicationSearchResult> {
  return toClientApplicationBundle(await client.searchUrl(url, options));
}

export async function readClientApplication(
  client: FhirClient,
  id: string,
  options: RequestOptions = {},
): Promise<ClientApplicationResult> {
  return toClientApplicationResult(await client.read(TYPE, id, options));
}

export async function readClientApplicationVersion(
  client: FhirClient,
  id: string,
  versionId: string,
  options: RequestOptions = {},
): Promise<ClientApplicationResult> {
  return toClientApplicationResult(await client.vread(TYPE, id, versionId, options));
}

/**
 * With `resource.id`: create-only PUT (`If-None-Match: *`), FhirError 412 when that client ID is
 * taken. Without: POST, the server assigns the id (Haste Health ignores ids on POST anyway).
 */
export async function createClientApplication(
  client: FhirClient,
  resource: ClientApplication,
  options: RequestOptions = {},
): Promise<ClientApplicationResult> {
  const body = asResource(resource);
  const result = body.id
    ? await client.createWithId(TYPE, body, options)
    : await client.create(TYPE, body, options);
  return toClientApplicationResult(result);
}

/**
 * PUT. Without `secret` the stored secret is kept; with one it is rotated (SPEC §4). Pass the
 * ETag you read as `ifMatch` so a concurrent edit fails with FhirError 412 instead of being lost.
 */
export async function updateClientApplication(
  client: FhirClient,
  resource: ClientApplication,
  options: ConditionalOptions = {},
): Promise<ClientApplicationResult> {
  return toClientApplicationResult(await client.update(TYPE, asResource(resource), options));
}

/** JSON Patch; `{ op: 'remove', path: '/secret' }` makes the client public (SPEC §4). */
export async function patchClientApplication(
  client: FhirClient,
  id: string,
  operations: JsonPatchOperation[],
  options: ConditionalOptions = {},
): Promise<ClientApplicationResult> {
  return toClientApplicationResult(await client.patch(TYPE, id, operations, options));
}

/** DELETE: the client can no longer authenticate and its tokens die (SPEC §6). */
export async function revokeClientApplication(
  client: FhirClient,
  id: string,
  options: RequestOptions = {},
): Promise<void> {
  await client.delete(TYPE, id, options);
}

export async function clientApplicationHistory(
  client: FhirClient,
  id: string,
  params: ClientApplicationHistoryParams = {},
  options: RequestOptions = {},
): Promise<ClientApplicationHistoryResult> {
  const result = toClientApplicationBundle(await client.history(TYPE, id, compact(params), options));
  const entries = (result.bundle.entry ?? []).map((entry) => ({
    method: entry.request?.method,
    resource: entry.resource ? toClientApplication(entry.resource) : undefined,
  }));
  return { ...result, entries };
}

/** A copy without `secret`. Exported for callers that hold raw server JSON (e.g. the CLI). */
export function withoutSecret<T extends object>(resource: T): T {
  const { secret: _secret, ...rest } = resource as T & { secret?: unknown };
  return rest as T;
}

function toClientApplication(resource: FhirResource): ClientApplication {
  const parsed = ClientApplicationSchema.safeParse(withoutSecret(resource));
  if (!parsed.success) {
    const id = typeof resource.id === 'string' ? ` "${resource.id}"` : '';
    throw new FhirInvalidResponseError(
      `The server returned a ClientApplication${id} that does not match the ClientApplication schema:\n${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function toClientApplicationResult(result: ResourceResult): ClientApplicationResult {
  return { ...result, resource: toClientApplication(result.resource) };
}

function toClientApplicationBundle(result: BundleResult): ClientApplicationSearchResult {
  const bundle: Bundle = {
    ...result.bundle,
    ...(result.bundle.entry
      ? {
          entry: result.bundle.entry.map((entry) =>
            entry.resource ? { ...entry, resource: withoutSecret(entry.resource) } : entry,
          ),
        }
      : {}),
  };
  return { ...result, bundle, resources: result.resources.map(toClientApplication) };
}

function asResource(resource: ClientApplication): FhirResource {
  return { ...resource, resourceType: TYPE };
}

function compact(params: object): Record<string, string | number | string[]> {
  const out: Record<string, string | number | string[]> = {};
  for (const [key, value] of Object.entries(params) as [string, unknown][]) {
    if (value === undefined || value === '') continue;
    if (typeof value === 'string' || typeof value === 'number') out[key] = value;
    else if (Array.isArray(value)) out[key] = value.map(String);
  }
  return out;
}
