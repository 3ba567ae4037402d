import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { z } from 'zod';
import {
  checkClientApplicationRules,
  isFhirId,
  parseClientApplication,
  zodIssuesToOutcomeIssues,
  type ClientApplication,
} from '../../model/client-application.ts';
import { issue } from '../../model/operation-outcome.ts';
import { hashSecret } from '../oidc/secret-hash.ts';
import type { ClientApplicationStore, CurrentClientApplication, SecretChange } from '../store/client-applications.ts';
import { historyBundle, pageLinks, searchsetBundleJson, searchsetEntryFormat, weakEtag } from './bundles.ts';
import { capabilityStatement } from './capability-statement.ts';
import { badRequest, FhirHttpError, gone, notFound } from './fhir-http-error.ts';
import { httpDate } from './http-date.ts';
import { DEFAULT_COUNT, MAX_COUNT, dateInterval, parseSearchParams, searchLinkQuery } from './search-params.ts';

/** The FHIR interaction a route performs; one hook can authorise requests by it. */
export type FhirInteraction =
  | 'capabilities'
  | 'read'
  | 'vread'
  | 'search'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history';

declare module 'fastify' {
  interface FastifyContextConfig {
    fhirInteraction?: FhirInteraction;
  }
}

export type FhirRoutesOptions = {
  store: ClientApplicationStore;
  /** Absolute base URL, for Location headers, fullUrl and Bundle links. */
  fhirBaseUrl: string;
  version: string;
};

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const JSON_PATCH = 'application/json-patch+json';

type IdParams = { id: string };
type Query = Record<string, string | string[] | undefined>;

const JsonPatchSchema = z
  .array(
    z.discriminatedUnion('op', [
      z.object({ op: z.enum(['add', 'replace', 'test']), path: z.string(), value: z.unknown() }).strict(),
      z.object({ op: z.literal('remove'), path: z.string() }).strict(),
      z.object({ op: z.enum(['move', 'copy']), from: z.string(), path: z.string() }).strict(),
    ]),
  )
  .min(1, 'A JSON Patch document needs at least one operation.');
type JsonPatch = z.infer<typeof JsonPatchSchema>;

// Stands in for a stored secret while a JSON Patch is applied, so `remove /secret` can be told
// apart from "not touched" without the hash ever entering the document. A string, because the
// patch library clones through JSON; random, so no request can forge it (and reads of /secret
// are refused before the patch runs).
const STORED_SECRET = `stored-secret:${randomUUID()}`;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkedId(id: string): string {
  if (!isFhirId(id)) {
    throw badRequest(`"${id.slice(0, 80)}" is not a valid id: use 1–64 letters, digits, "-" or ".".`, 'ClientApplication.id');
  }
  return id;
}

type Preconditions = { ifMatch?: number | '*' | 'unparseable'; ifNoneMatchAny: boolean };

function readPreconditions(request: FastifyRequest): Preconditions {
  const ifMatch = request.headers['if-match'];
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw badRequest('If-None-Match on a write supports only "*" (create only if the id is free).');
  }
  let parsedIfMatch: Preconditions['ifMatch'];
  if (ifMatch !== undefined) {
    const trimmed = ifMatch.trim();
    const match = /^(?:W\/)?"(\d{1,15})"$/.exec(trimmed);
    parsedIfMatch = trimmed === '*' ? '*' : match ? Number(match[1]) : 'unparseable';
  }
  return { ifMatch: parsedIfMatch, ifNoneMatchAny: ifNoneMatch !== undefined };
}

/** RFC 9110 §13.1: a failed precondition is 412 and changes nothing. */
function preconditionFailure(id: string, current: CurrentClientApplication | undefined, p: Preconditions) {
  const exists = current?.resource != null;
  if (p.ifNoneMatchAny && exists) {
    return new FhirHttpError(
      412,
      [issue('duplicate', `ClientApplication/${id} already exists: choose another client ID.`, 'ClientApplication.id')],
      { etag: weakEtag(current.versionId) },
    );
  }
  if (p.ifMatch === undefined) return undefined;
  if (!exists) {
    return new FhirHttpError(412, [
      issue('conflict', `If-Match was sent but ClientApplication/${id} ${current ? 'has been deleted' : 'does not exist'}.`),
    ]);
  }
  if (p.ifMatch !== '*' && p.ifMatch !== current.versionId) {
    return new FhirHttpError(
      412,
      [
        issue(
          'conflict',
          `ClientApplication/${id} changed since you read it: you sent If-Match for version ${
            p.ifMatch === 'unparseable' ? '(unrecognised ETag)' : p.ifMatch
          }, the current version is ${current.versionId}. Reload it and apply your change again.`,
        ),
      ],
      { etag: weakEtag(current.versionId) },
    );
  }
  return undefined;
}

function versionHeaders(reply: FastifyReply, status: number, versionId: string | number, lastUpdated: string | undefined) {
  reply.code(status).type(FHIR_JSON).header('etag', weakEtag(versionId));
  if (lastUpdated) reply.header('last-modified', httpDate(lastUpdated));
  return reply;
}

function sendResource(reply: FastifyReply, status: number, resource: ClientApplication) {
  return versionHeaders(reply, status, resource.meta?.versionId ?? '1', resource.meta?.lastUpdated).send(resource);
}

/** A stored version is sent as the JSON text it was stored as: it is the body, meta and all. */
function sendStored(reply: FastifyReply, version: { versionId: number; lastUpdated: string }, json: string) {
  return versionHeaders(reply, 200, version.versionId, version.lastUpdated).send(json);
}

/**
 * Records who wrote a version in `meta.source` (FHIR R4 Meta.source: the system or actor the
 * version came from), so the history shows who changed what. Server-set: a client cannot forge it.
 */
function stampSource(resource: ClientApplication, request: FastifyRequest): ClientApplication {
  const { source: _ignored, ...meta } = resource.meta ?? {};
  const actor = request.principal?.actor;
  return { ...resource, meta: actor ? { ...meta, source: actor } : meta };
}

function assertBodyIsObject(body: unknown): asserts body is Record<string, unknown> {
  if (!isPlainObject(body)) {
    throw badRequest('The body must be a ClientApplication resource: a JSON object with "resourceType": "ClientApplication".');
  }
}

function parseOrThrow(body: unknown, hasStoredSecret: boolean): ClientApplication {
  const parsed = parseClientApplication(body, { hasStoredSecret });
  if (!parsed.success) throw new FhirHttpError(parsed.status, parsed.issues);
  return parsed.data;
}

function rulesFailure(resource: ClientApplication, hasSecret: boolean) {
  const problems = checkClientApplicationRules(resource, { hasSecret });
  return problems.length ? new FhirHttpError(422, problems) : undefined;
}

function secretOps(operations: JsonPatch): { newSecret?: string } {
  let newSecret: string | undefined;
  operations.forEach((op, index) => {
    const touches = (pointer: string | undefined) => pointer === '/secret' || pointer?.startsWith('/secret/');
    if (('from' in op && touches(op.from)) || (op.op === 'test' && touches(op.path))) {
      throw new FhirHttpError(422, [
        issue('security', `Operation ${index} (${op.op}) reads /secret: the secret is write-only. You can add, replace or remove it.`, 'ClientApplication.secret'),
      ]);
    }
    if (op.path === '/secret' && (op.op === 'add' || op.op === 'replace')) {
      if (typeof op.value !== 'string') {
        throw new FhirHttpError(400, [issue('structure', 'The secret must be a string.', 'ClientApplication.secret')]);
      }
      newSecret = op.value;
    } else if (touches(op.path) && op.op !== 'remove') {
      throw new FhirHttpError(422, [
        issue('invalid', `Operation ${index} cannot change part of the secret: replace it whole.`, 'ClientApplication.secret'),
      ]);
    }
  });
  return newSecret === undefined ? {} : { newSecret };
}

function patchFailure(error: unknown, operations: JsonPatch, index: number): FhirHttpError {
  const e = error as { name?: string };
  const op = operations[index];
  const where = op ? `Operation ${index} (${op.op} ${op.path})` : 'The patch';
  const reason =
    e.name === 'TEST_OPERATION_FAILED'
      ? 'failed its test: the resource does not hold that value'
      : e.name === 'OPERATION_PATH_UNRESOLVABLE' || e.name === 'OPERATION_FROM_UNRESOLVABLE'
        ? 'points at a path that does not exist'
        : e.name === 'OPERATION_PATH_ILLEGAL_ARRAY_INDEX' || e.name === 'OPERATION_VALUE_OUT_OF_BOUNDS'
          ? 'uses an array index that does not exist'
          : 'cannot be applied';
  return new FhirHttpError(422, [issue('processing', `${where} ${reason}.`)]);
}

export async function fhirRoutes(app: FastifyInstance, options: FhirRoutesOptions): Promise<void> {
  const { store, fhirBaseUrl } = options;
  const startedAt = new Date().toISOString();
  const resourceUrl = (id: string) => `${fhirBaseUrl}/ClientApplication/${id}`;
  const entryFormat = searchsetEntryFormat(fhirBaseUrl);

  // Only JSON bodies are accepted (FHIR JSON, plain JSON, JSON Patch); anything else is 415.
  // Fastify's own parser keeps its prototype-poisoning protection.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/fhir+json', 'application/json', JSON_PATCH],
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  app.get('/metadata', { config: { fhirInteraction: 'capabilities' } }, async (_request, reply) =>
    reply.type(FHIR_JSON).send(capabilityStatement({ fhirBaseUrl, version: options.version, startedAt })),
  );

  app.get<{ Querystring: Query }>(
    '/ClientApplication',
    { config: { fhirInteraction: 'search' } },
    // Synchronous, as the read below: nothing here awaits, and an async handler costs a promise.
    (request, reply) => {
      const parsed = parseSearchParams(request.query);
      if ('problems' in parsed) throw new FhirHttpError(400, parsed.problems);
      const { query } = parsed;
      const result = store.search(query, entryFormat);
      const links = pageLinks({
        url: (q) => `${fhirBaseUrl}/ClientApplication?${q}`,
        queryFor: searchLinkQuery(request.query),
        count: query.count,
        offset: query.offset,
        total: result.total,
        returned: result.entries.length,
      });
      reply.type(FHIR_JSON).send(searchsetBundleJson({ total: result.total, entries: result.entries, links }));
    },
  );

  app.post<{ Body: unknown }>('/ClientApplication', { config: { fhirInteraction: 'create' } }, async (request, reply) => {
    if (request.headers['if-none-exist'] !== undefined) {
      throw badRequest('Conditional create (If-None-Exist) is not supported: to create with a chosen id, PUT it with If-None-Match: *.');
    }
    assertBodyIsObject(request.body);
    // FHIR create: the server assigns the id and ignores one in the body.
    const { id: _ignored, ...body } = request.body;
    const resource = parseOrThrow(body, false);
    const secret: SecretChange =
      resource.secret === undefined ? { kind: 'keep' } : { kind: 'set', hash: await hashSecret(resource.secret) };
    const id = randomUUID();
    const result = store.save(id, () => ({ resource: stampSource(resource, request), secret, method: 'POST' }));
    if (!result.ok) throw result.failure;
    reply.header('location', `${resourceUrl(id)}/_history/${result.resource.meta?.versionId}`);
    return sendResource(reply, 201, result.resource);
  });

  app.get<{ Params: IdParams }>(
    '/ClientApplication/:id',
    { config: { fhirInteraction: 'read' } },
    (request, reply) => {
      const id = checkedId(request.params.id);
      const stored = store.readStored(id);
      if (!stored) throw notFound(id);
      if (stored.json === null) throw gone(id);
      sendStored(reply, stored, stored.json);
    },
  );

  app.put<{ Params: IdParams; Body: unknown }>(
    '/ClientApplication/:id',
    { config: { fhirInteraction: 'update' } },
    async (request, reply) => {
      const id = checkedId(request.params.id);
      assertBodyIsObject(request.body);
      if (request.body.id === undefined) {
        throw badRequest(`The body must carry "id": "${id}", the id in the URL (FHIR update).`, 'ClientApplication.id');
      }
      if (request.body.id !== id) {
        throw badRequest(`The body's id does not match the URL: the URL says "${id}".`, 'ClientApplication.id');
      }
      const preconditions = readPreconditions(request);
      const before = store.read(id);
      const resource = parseOrThrow(request.body, before?.resource != null && before.secretHash !== null);
      // Fail fast before paying for a slow hash; the transaction below checks again.
      const early = preconditionFailure(id, before, preconditions);
      if (early) throw early;
      const secret: SecretChange =
        resource.secret === undefined ? { kind: 'keep' } : { kind: 'set', hash: await hashSecret(resource.secret) };

      const result = store.save(id, (current) => {
        const failure =
          preconditionFailure(id, current, preconditions) ??
          rulesFailure(resource, secret.kind === 'set' || (current?.resource != null && current.secretHash !== null));
        return failure ? { failure } : { resource: stampSource(resource, request), secret, method: 'PUT' };
      });
      if (!result.ok) throw result.failure;
      if (result.created) reply.header('location', `${resourceUrl(id)}/_history/${result.resource.meta?.versionId}`);
      return sendResource(reply, result.created ? 201 : 200, result.resource);
    },
  );

  app.patch<{ Params: IdParams; Body: unknown }>(
    '/ClientApplication/:id',
    { config: { fhirInteraction: 'patch' } },
    async (request, reply) => {
      const id = checkedId(request.params.id);
      if (!request.headers['content-type']?.toLowerCase().startsWith(JSON_PATCH)) {
        throw new FhirHttpError(415, [issue('not-supported', `PATCH takes a JSON Patch document sent as ${JSON_PATCH}.`)]);
      }
      const parsedOps = JsonPatchSchema.safeParse(request.body);
      if (!parsedOps.success) throw new FhirHttpError(400, zodIssuesToOutcomeIssues(parsedOps.error, 'Patch'));
      const operations = parsedOps.data;
      const { newSecret } = secretOps(operations);
      const preconditions = readPreconditions(request);
      const before = store.read(id);
      if (!before) throw notFound(id);
      if (!before.resource) throw gone(id);
      const early = preconditionFailure(id, before, preconditions);
      if (early) throw early;
      const newSecretHash = newSecret === undefined ? undefined : await hashSecret(newSecret);

      const result = store.save(id, (current) => {
        if (!current) return { failure: notFound(id) };
        if (!current.resource) return { failure: gone(id) };
        const failure = preconditionFailure(id, current, preconditions);
        if (failure) return { failure };
        const document: Record<string, unknown> = structuredClone(current.resource);
        if (current.secretHash !== null) document.secret = STORED_SECRET;
        // One operation at a time, so a failure names the operation that failed (the library
        // reports index 0 for every validation error). `document` is already a private copy.
        let patched: unknown = document;
        for (const [index, operation] of operations.entries()) {
          try {
            patched = fastJsonPatch.applyOperation(patched, operation as Operation, true, true).newDocument;
          } catch (error) {
            return { failure: patchFailure(error, operations, index) };
          }
        }
        if (!isPlainObject(patched)) return { failure: badRequest('The patch must leave a JSON object.') };
        if (patched.id !== id) {
          return { failure: new FhirHttpError(422, [issue('invalid', 'The id cannot be changed by a patch.', 'ClientApplication.id')]) };
        }
        let secret: SecretChange;
        if (patched.secret === STORED_SECRET) {
          delete patched.secret;
          secret = { kind: 'keep' };
        } else if (patched.secret === undefined) {
          secret = current.secretHash === null ? { kind: 'keep' } : { kind: 'remove' };
        } else if (patched.secret === newSecret && newSecretHash !== undefined) {
          secret = { kind: 'set', hash: newSecretHash };
        } else {
          return { failure: new FhirHttpError(422, [issue('invalid', 'The secret must be set whole, as a string.', 'ClientApplication.secret')]) };
        }
        const hasSecret = secret.kind === 'set' || (secret.kind === 'keep' && current.secretHash !== null);
        const parsed = parseClientApplication(patched, { hasStoredSecret: hasSecret });
        if (!parsed.success) return { failure: new FhirHttpError(422, parsed.issues) };
        return { resource: stampSource(parsed.data, request), secret, method: 'PATCH' };
      });
      if (!result.ok) throw result.failure;
      return sendResource(reply, 200, result.resource);
    },
  );

  app.delete<{ Params: IdParams }>(
    '/ClientApplication/:id',
    { config: { fhirInteraction: 'delete' } },
    async (request, reply) => {
      const id = checkedId(request.params.id);
      const result = store.remove(id);
      if (result.kind === 'not-found') throw notFound(id);
      // Deleting what is already deleted succeeds without a new version (FHIR delete is idempotent).
      return reply.code(204).header('etag', weakEtag(result.versionId)).send();
    },
  );

  const historyQuery = (query: Query) => {
    const allowed = new Set(['_count', '_offset', '_since', '_format']);
    const problems = Object.keys(query)
      .filter((k) => !allowed.has(k))
      .map((k) => issue('not-supported', `Unknown history parameter "${k}". Supported: _count, _offset, _since.`, k));
    const number = (key: string, fallback: number) => {
      const raw = query[key];
      if (raw === undefined || raw === '') return fallback;
      if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) {
        problems.push(issue('invalid', `${key} must be a whole number of 0 or more.`, key));
        return fallback;
      }
      return Number(raw);
    };
    const count = Math.min(number('_count', DEFAULT_COUNT), MAX_COUNT);
    const offset = number('_offset', 0);
    const sinceRaw = query._since;
    let since: string | undefined;
    if (typeof sinceRaw === 'string' && sinceRaw !== '') {
      since = dateInterval(sinceRaw)?.start;
      if (!since) problems.push(issue('invalid', '_since must be a FHIR instant such as 2026-01-31T10:00:00Z.', '_since'));
    } else if (Array.isArray(sinceRaw)) {
      problems.push(issue('invalid', '_since may appear only once.', '_since'));
    }
    if (problems.length) throw new FhirHttpError(400, problems);
    return { count, offset, since };
  };

  const sendHistory = (reply: FastifyReply, request: FastifyRequest<{ Querystring: Query }>, path: string, id?: string) => {
    const { count, offset, since } = historyQuery(request.query);
    const { total, versions } = store.history({ id, since, count, offset });
    const links = pageLinks({
      url: (q) => `${fhirBaseUrl}${path}?${q}`,
      queryFor: searchLinkQuery(request.query),
      count,
      offset,
      total,
      returned: versions.length,
    });
    return reply.type(FHIR_JSON).send(historyBundle({ fhirBaseUrl, total, versions, links }));
  };

  app.get<{ Querystring: Query }>(
    '/ClientApplication/_history',
    { config: { fhirInteraction: 'history' } },
    async (request, reply) => sendHistory(reply, request, '/ClientApplication/_history'),
  );

  app.get<{ Params: IdParams; Querystring: Query }>(
    '/ClientApplication/:id/_history',
    { config: { fhirInteraction: 'history' } },
    async (request, reply) => {
      const id = checkedId(request.params.id);
      if (!store.read(id)) throw notFound(id);
      return sendHistory(reply, request, `/ClientApplication/${id}/_history`, id);
    },
  );

  app.get<{ Params: IdParams & { versionId: string } }>(
    '/ClientApplication/:id/_history/:versionId',
    { config: { fhirInteraction: 'vread' } },
    async (request, reply) => {
      const id = checkedId(request.params.id);
      const versionId = /^\d{1,15}$/.test(request.params.versionId) ? Number(request.params.versionId) : NaN;
      const version = Number.isNaN(versionId) ? undefined : store.readVersion(id, versionId);
      if (!version) {
        throw new FhirHttpError(404, [issue('not-found', `ClientApplication/${id} has no version "${request.params.versionId.slice(0, 20)}".`)]);
      }
      if (!version.resource) {
        throw new FhirHttpError(410, [issue('deleted', `Version ${versionId} of ClientApplication/${id} is its deletion.`)]);
      }
      return sendResource(reply, 200, version.resource);
    },
  );
}
