import {
  BundleSchema,
  FhirResourceSchema,
  bundleLink,
  matchedResources,
  type Bundle,
  type FhirResource,
} from './bundle.ts';
import {
  FhirInvalidResponseError,
  FhirNetworkError,
  fhirErrorFromResponse,
} from './fhir-error.ts';
import { computePageOffsets, readPageWindow, withOffset } from './paging.ts';

// A small FHIR R4 REST client over fetch (https://hl7.org/fhir/R4/http.html). Runs in the browser
// (console) and Node (CLI): no Node-only APIs. Non-2xx → FhirError, no answer → FhirNetworkError,
// aborted → the fetch AbortError untouched (React Query and the CLI both rely on that).

const FHIR_JSON = 'application/fhir+json';
const JSON_PATCH = 'application/json-patch+json';

export interface FhirClientOptions {
  /** e.g. `https://host/w/default/default/api/v1/fhir/r4`; relative URLs resolve against the page in a browser. */
  baseUrl: string;
  fetch?: typeof fetch;
  getAccessToken?: () => string | undefined | Promise<string | undefined>;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ConditionalOptions extends RequestOptions {
  /** An ETag (`W/"3"`) as read, or a bare versionId (`3`), which is sent as `W/"3"`. */
  ifMatch?: string;
}

export interface PageOptions extends RequestOptions {
  offset?: number;
  count?: number;
}

export type SearchParams = Record<string, string | number | string[] | undefined> | URLSearchParams;

/** RFC 6902 JSON Patch. */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

export interface ResourceResult<T = FhirResource> {
  resource: T;
  /** The raw `ETag` header: opaque, not necessarily a counter (Haste Health's are not). */
  etag?: string;
  /** `meta.versionId`, else the value inside the ETag. */
  versionId?: string;
  /** The `Last-Modified` header, else `meta.lastUpdated`. */
  lastModified?: string;
  /** The `Location` header (create/update). */
  location?: string;
  status: number;
}

export interface BundleResult<T = FhirResource> {
  bundle: Bundle;
  /** Matched resources (search) or resource versions (history; deletions have none). */
  resources: T[];
  total?: number;
  /** Absolute URL for `searchUrl`: the Bundle's link, or computed from `_offset` when it has none. */
  next?: string;
  previous?: string;
  /** The `_offset` of this page (0 when absent). */
  offset: number;
  nextOffset?: number;
  previousOffset?: number;
}

export type SearchResult<T = FhirResource> = BundleResult<T>;

export interface FhirClient {
  readonly baseUrl: string;
  capabilities(options?: RequestOptions): Promise<FhirResource>;
  read(type: string, id: string, options?: RequestOptions): Promise<ResourceResult>;
  vread(type: string, id: string, versionId: string, options?: RequestOptions): Promise<ResourceResult>;
  search(type: string, params?: SearchParams, options?: RequestOptions): Promise<SearchResult>;
  /** Search with explicit `_offset` / `_count` (overriding any in `params`). */
  pageSearch(type: string, params?: SearchParams, options?: PageOptions): Promise<SearchResult>;
  /** Follow a `next` / `previous` URL from a previous result. Only URLs under `baseUrl`. */
  searchUrl(url: string, options?: RequestOptions): Promise<SearchResult>;
  create(type: string, resource: FhirResource, options?: RequestOptions): Promise<ResourceResult>;
  /** PUT /type/id with `If-None-Match: *`: FhirError 412 when the id is taken. */
  createWithId(type: string, resource: FhirResource, options?: RequestOptions): Promise<ResourceResult>;
  update(type: string, resource: FhirResource, options?: ConditionalOptions): Promise<ResourceResult>;
  patch(type: string, id: string, operations: JsonPatchOperation[], options?: ConditionalOptions): Promise<ResourceResult>;
  /** Resolves on 200/202/204; FhirError otherwise (404/410 included: see `isGoneError`). */
  delete(type: string, id: string, options?: RequestOptions): Promise<void>;
  history(type: string, id?: string, params?: SearchParams, options?: RequestOptions): Promise<BundleResult>;
}

interface SendInit extends RequestOptions {
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export function createFhirClient(options: FhirClientOptions): FhirClient {
  const base = resolveBase(options.baseUrl);
  // Without a trailing slash, so `${baseHref}/` is the directory relative paths resolve against.
  const baseHref = base.href.replace(/\/+$/, '');
  const basePath = base.pathname.replace(/\/+$/, '');
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  function resourceUrl(type: string, ...parts: string[]): URL {
    return new URL(
      [requireSegment('type', type), ...parts.map((p) => requireSegment('id', p))]
        .map(encodeURIComponent)
        .join('/'),
      `${baseHref}/`,
    );
  }

  /** Sends a request; returns only 2xx responses. */
  async function send(method: string, url: URL, init: SendInit = {}): Promise<Response> {
    const headers: Record<string, string> = { Accept: FHIR_JSON, ...init.headers };
    if (init.contentType) headers['Content-Type'] = init.contentType;
    const token = await options.getAccessToken?.();
    if (token) headers.Authorization = `Bearer ${token}`;

    const href = url.toString();
    let response: Response;
    try {
      response = await doFetch(href, {
        method,
        headers,
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.signal ? { signal: init.signal } : {}),
      });
    } catch (e) {
      throw asNetworkError(e, init.signal, method, href);
    }
    if (!response.ok) throw await fhirErrorFromResponse(response, { method, url: href });
    return response;
  }

  async function readJson(response: Response, method: string, url: URL, signal?: AbortSignal): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (e) {
      throw asNetworkError(e, signal, method, url.toString());
    }
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new FhirInvalidResponseError(`FHIR server sent a body that is not JSON (${method} ${url.pathname})`, {
        status: response.status,
        method,
        url: url.toString(),
        cause: e,
      });
    }
  }

  async function resourceRequest(
    method: string,
    url: URL,
    expectedType: string,
    init: SendInit = {},
  ): Promise<ResourceResult> {
    const response = await send(method, url, init);
    const json = await readJson(response, method, url, init.signal);
    const location = response.headers.get('location') ?? undefined;
    if (json === undefined && location && method !== 'GET') {
      // A server that ignored `Prefer: return=representation`: fetch what it just wrote.
      const read = await resourceRequest('GET', sameServerUrl(location), expectedType, { signal: init.signal });
      return { ...read, location, status: response.status };
    }
    const resource = parseResource(json, expectedType, response.status, method, url);
    return {
      resource,
      status: response.status,
      ...definedHeaders(response, resource),
      ...(location ? { location } : {}),
    };
  }

  async function bundleRequest(url: URL, signal?: AbortSignal): Promise<BundleResult> {
    const response = await send('GET', url, { signal });
    const json = await readJson(response, 'GET', url, signal);
    const parsed = BundleSchema.safeParse(json);
    if (!parsed.success) {
      throw new FhirInvalidResponseError(`FHIR server did not return a Bundle (GET ${url.pathname})`, {
        status: response.status,
        method: 'GET',
        url: url.toString(),
        cause: parsed.error,
      });
    }
    return toBundleResult(parsed.data, url);
  }

  function toBundleResult(bundle: Bundle, requestUrl: URL): BundleResult {
    const resources = matchedResources(bundle);
    const { offset, count } = readPageWindow(requestUrl);
    const result: BundleResult = { bundle, resources, offset };
    if (bundle.total !== undefined) result.total = bundle.total;

    if (bundle.link && bundle.link.length > 0) {
      // The server pages itself: trust its links, absolute against the base.
      const next = bundleLink(bundle, 'next');
      const previous = bundleLink(bundle, 'previous');
      // Offsets are only meaningful when a link repeats this search with another `_offset`; some
      // servers link to an opaque paging endpoint instead (HAPI's `?_getpages=`).
      const isOffsetLink = (url: URL) => url.pathname === requestUrl.pathname;
      if (next) {
        const url = new URL(next, `${baseHref}/`);
        result.next = url.toString();
        if (isOffsetLink(url)) result.nextOffset = readPageWindow(url).offset;
      }
      if (previous) {
        const url = new URL(previous, `${baseHref}/`);
        result.previous = url.toString();
        if (isOffsetLink(url)) result.previousOffset = readPageWindow(url).offset;
      }
      return result;
    }

    // No links (Haste Health): page with `_offset` ourselves.
    const offsets = computePageOffsets({ offset, count, returned: resources.length, total: bundle.total });
    if (offsets.nextOffset !== undefined) {
      result.nextOffset = offsets.nextOffset;
      result.next = withOffset(requestUrl, offsets.nextOffset);
    }
    if (offsets.previousOffset !== undefined) {
      result.previousOffset = offsets.previousOffset;
      result.previous = withOffset(requestUrl, offsets.previousOffset);
    }
    return result;
  }

  /** Resolves a server-supplied URL, refusing to send our token anywhere but under `baseUrl`. */
  function sameServerUrl(href: string): URL {
    const url = new URL(href, `${baseHref}/`);
    if (url.origin !== base.origin || !`${url.pathname}/`.startsWith(`${basePath}/`)) {
      throw new Error(`Refusing to follow ${url.origin}${url.pathname}: it is not under the FHIR base URL ${baseHref}`);
    }
    return url;
  }

  function searchRequestUrl(type: string, params: SearchParams | undefined): URL {
    const url = resourceUrl(type);
    url.search = toQuery(params).toString();
    return url;
  }

  function bodyOf(resource: FhirResource): string {
    return JSON.stringify(resource);
  }

  function requireId(type: string, resource: FhirResource, verb: string): string {
    if (resource.resourceType !== type) {
      throw new TypeError(`${verb}: resourceType ${resource.resourceType} does not match ${type}`);
    }
    if (!resource.id) throw new TypeError(`${verb}: the ${type} has no id`);
    return resource.id;
  }

  return {
    baseUrl: baseHref,

    async capabilities(opts = {}) {
      const { resource } = await resourceRequest('GET', resourceUrl('metadata'), 'CapabilityStatement', opts);
      return resource;
    },

    async read(type, id, opts = {}) {
      return resourceRequest('GET', resourceUrl(type, id), type, opts);
    },

    async vread(type, id, versionId, opts = {}) {
      return resourceRequest('GET', resourceUrl(type, id, '_history', versionId), type, opts);
    },

    async search(type, params, opts = {}) {
      return bundleRequest(searchRequestUrl(type, params), opts.signal);
    },

    async pageSearch(type, params, opts = {}) {
      const query = toQuery(params);
      query.delete('_offset');
      query.delete('_count');
      // Offset 0 is left implicit, so the first page is a plain search any server understands.
      if (opts.offset !== undefined && opts.offset > 0) query.set('_offset', String(opts.offset));
      if (opts.count !== undefined) query.set('_count', String(opts.count));
      return bundleRequest(searchRequestUrl(type, query), opts.signal);
    },

    async searchUrl(url, opts = {}) {
      return bundleRequest(sameServerUrl(url), opts.signal);
    },

    async create(type, resource, opts = {}) {
      if (resource.resourceType !== type) {
        throw new TypeError(`create: resourceType ${resource.resourceType} does not match ${type}`);
      }
      return resourceRequest('POST', resourceUrl(type), type, {
        ...opts,
        body: bodyOf(resource),
        contentType: FHIR_JSON,
        headers: { Prefer: 'return=representation' },
      });
    },

    async createWithId(type, resource, opts = {}) {
      const id = requireId(type, resource, 'createWithId');
      // https://hl7.org/fhir/R4/http.html#concurrency: If-None-Match: * makes the PUT create-only.
      return resourceRequest('PUT', resourceUrl(type, id), type, {
        ...opts,
        body: bodyOf(resource),
        contentType: FHIR_JSON,
        headers: { Prefer: 'return=representation', 'If-None-Match': '*' },
      });
    },

    async update(type, resource, opts = {}) {
      const id = requireId(type, resource, 'update');
      return resourceRequest('PUT', resourceUrl(type, id), type, {
        ...opts,
        body: bodyOf(resource),
        contentType: FHIR_JSON,
        headers: { Prefer: 'return=representation', ...ifMatchHeader(opts.ifMatch) },
      });
    },

    async patch(type, id, operations, opts = {}) {
      return resourceRequest('PATCH', resourceUrl(type, id), type, {
        ...opts,
        body: JSON.stringify(operations),
        contentType: JSON_PATCH,
        headers: { Prefer: 'return=representation', ...ifMatchHeader(opts.ifMatch) },
      });
    },

    async delete(type, id, opts = {}) {
      const url = resourceUrl(type, id);
      const response = await send('DELETE', url, opts);
      // 200 (maybe with an OperationOutcome), 202 (accepted) and 204 all mean done; 404/410 threw.
      await readJson(response, 'DELETE', url, opts.signal).catch((e: unknown) => {
        if (e instanceof FhirInvalidResponseError) return undefined;
        throw e;
      });
    },

    async history(type, id, params, opts = {}) {
      const url = id === undefined ? resourceUrl(type, '_history') : resourceUrl(type, id, '_history');
      url.search = toQuery(params).toString();
      return bundleRequest(url, opts.signal);
    },
  };
}

function resolveBase(baseUrl: string): URL {
  // In the browser the console may be configured with a path-only base (`/w/…/fhir/r4`).
  const page = typeof location === 'undefined' ? undefined : location.href;
  const url = new URL(baseUrl, page);
  url.search = '';
  url.hash = '';
  return url;
}

function requireSegment(what: string, value: string): string {
  if (value === '') throw new TypeError(`FHIR ${what} must not be empty`);
  // The FHIR id grammar allows "." and "..", but URLs resolve them (even percent-encoded) as
  // dot-segments, so the request would silently go to another path.
  if (value === '.' || value === '..') throw new TypeError(`FHIR ${what} "${value}" cannot be used in a URL`);
  return value;
}

function toQuery(params: SearchParams | undefined): URLSearchParams {
  if (params instanceof URLSearchParams) return new URLSearchParams(params);
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue;
    // A repeated parameter is AND in FHIR search; pass `a,b` as one string for OR.
    if (Array.isArray(value)) for (const v of value) query.append(key, v);
    else query.append(key, String(value));
  }
  return query;
}

function ifMatchHeader(ifMatch: string | undefined): Record<string, string> {
  if (ifMatch === undefined || ifMatch === '') return {};
  const isEtag = ifMatch.startsWith('W/"') || ifMatch.startsWith('"');
  return { 'If-Match': isEtag ? ifMatch : `W/"${ifMatch}"` };
}

/** `W/"3"` → `3`; anything else → undefined. */
export function versionFromEtag(etag: string | undefined): string | undefined {
  const match = etag?.match(/^(?:W\/)?"([^"]*)"$/);
  return match?.[1] || undefined;
}

function definedHeaders(
  response: Response,
  resource: FhirResource,
): Pick<ResourceResult, 'etag' | 'versionId' | 'lastModified'> {
  const etag = response.headers.get('etag') ?? undefined;
  const versionId = resource.meta?.versionId ?? versionFromEtag(etag);
  const lastModified = response.headers.get('last-modified') ?? resource.meta?.lastUpdated;
  return {
    ...(etag ? { etag } : {}),
    ...(versionId ? { versionId } : {}),
    ...(lastModified ? { lastModified } : {}),
  };
}

function parseResource(json: unknown, expectedType: string, status: number, method: string, url: URL): FhirResource {
  const parsed = FhirResourceSchema.safeParse(json);
  if (!parsed.success || parsed.data.resourceType !== expectedType) {
    const got = parsed.success ? `a ${parsed.data.resourceType}` : json === undefined ? 'no body' : 'no FHIR resource';
    throw new FhirInvalidResponseError(`FHIR server sent ${got} where a ${expectedType} was expected (${method} ${url.pathname})`, {
      status,
      method,
      url: url.toString(),
      ...(parsed.success ? {} : { cause: parsed.error }),
    });
  }
  return parsed.data;
}

function asNetworkError(e: unknown, signal: AbortSignal | undefined, method: string, url: string): unknown {
  // Aborts are the caller's own doing: rethrow them as fetch made them.
  if (signal?.aborted || (e instanceof Error && e.name === 'AbortError')) return e;
  return new FhirNetworkError(e, { method, url });
}
