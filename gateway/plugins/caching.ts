import { HeaderMap } from '@apollo/server';
import { getNamedType, isAbstractType, isCompositeType, isObjectType, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { ENTITY_CHANGED_CHANNEL } from '../../contracts/entity-changes.js';
import type { ChangedEntity, EntitiesChanged } from '../../contracts/entity-changes.js';
import { fastFailingRedis, onJsonMessage, subscriberRedis } from '../../platform/messaging/redis.js';
import { Counter } from '../../platform/observability/metrics.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { CacheSettings } from '../config.js';
import type { GatewayContext } from '../context.js';
import { sha1 } from '../entity-policy.js';
import type { EntityPolicy } from '../entity-policy.js';
import type { GatewayPlugin, SubgraphRequest, SubgraphResponse } from '../plugin.js';

/** An anonymous operation's cacheability: the entity types it reads and the shortest of their TTLs. */
interface ResponseShape {
  types: string[];
  ttlSeconds: number;
}

interface CachedResponse {
  json: string;
  types: string[];
  generations: number[];
}

/** `representations` apart, the fetch's variables (field arguments), as part of its entries' keys. */
function otherVariables(variables: Record<string, unknown>): string {
  let rest: Record<string, unknown> | undefined;
  for (const name in variables) if (name !== 'representations') (rest ??= {})[name] = variables[name];
  return rest ? sha1(JSON.stringify(rest)) : '';
}

/**
 * Entity and response caching, invalidated by the domains' announcements
 * (contracts/entity-changes.ts); README "Caching" is the user's account of it.
 *
 * - Entity fetches: each representation of an `_entities` fetch whose type the subgraph marks
 *   `@cached` is answered from the cache when it can be; only the others go to the subgraph.
 *   A selection holding a `@perViewer` field is kept per viewer (id and role), every other one
 *   is shared by every viewer (such fields read no token).
 * - Responses: a query without credentials whose every field of an entity type is resolved by
 *   a subgraph marking that type `@cached` is answered whole, for the shortest TTL among them.
 *
 * Two levels: an LRU in process, then Redis (shared by every replica). A change announced for
 * `Post:1` drops Post:1's entity answers in both, and every response that read any Post
 * (responses are tracked per type: their entities' ids are not all visible to the gateway).
 * While the announcement channel is not connected nothing is served from the cache, and the
 * in-process level is emptied when it reconnects (announcements may have been missed).
 */
export function caching(settings: CacheSettings, policy: EntityPolicy, logger: Logger): GatewayPlugin {
  if (!settings.enabled || !settings.redisUrl) return { name: 'caching' };
  const maxTtlSeconds = Math.max(1, ...[...policy.entityTtls.values()].flatMap((ttls) => [...ttls.values()]));
  const prefix = `${settings.redisPrefix}:cache`;
  const redis = fastFailingRedis(settings.redisUrl, logger, 'cache');
  const subscriber = subscriberRedis(settings.redisUrl, logger, 'cache announcements');
  const counts = { entityHit: 0, entityMiss: 0, responseHit: 0, responseMiss: 0, invalidations: 0 };

  // ---- in process ----
  /** Entity answers by `<type>:<id>\0<entry key>`, and the keys each entity has, to drop them together. */
  const byEntity = new Map<string, Set<string>>();
  // Bounded by size as well as count: one anonymous response may be megabytes.
  const entities = new LRUCache<string, string>({
    max: settings.maxEntities,
    maxSize: settings.maxCharactersPerLevel,
    sizeCalculation: (json) => json.length || 1,
    ttlAutopurge: false,
    dispose: (_value, key, reason) => {
      if (reason === 'set') return;
      const tag = key.slice(0, key.indexOf('\u0000'));
      const keys = byEntity.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) byEntity.delete(tag);
    },
  });
  const responses = new LRUCache<string, CachedResponse>({
    max: settings.maxResponses,
    maxSize: settings.maxCharactersPerLevel,
    sizeCalculation: (response) => response.json.length || 1,
    ttlAutopurge: false,
  });
  /** Per type, how many announcements have touched it here: a response read under older numbers is stale. */
  const generations = new Map<string, number>();
  const generationsOf = (types: string[]): number[] => types.map((type) => generations.get(type) ?? 0);
  /** Announcements heard so far, and the last one that named each entity: an answer fetched across one is not kept. */
  let heard = 0;
  const lastHeard = new LRUCache<string, number>({ max: 100_000 });
  let listening = false;

  /** The announcement count when the channel last (re)connected: nothing fetched before it is kept. */
  let resetAt = 0;

  const responseShapes = new LRUCache<string, ResponseShape | { none: true }>({ max: 2_000 });

  function forget(changed: ChangedEntity[]): void {
    heard += 1;
    counts.invalidations += changed.length;
    const types = new Set<string>();
    for (const { type, id } of changed) {
      const tag = `${type}:${id}`;
      lastHeard.set(tag, heard);
      for (const key of [...(byEntity.get(tag) ?? [])]) entities.delete(key);
      types.add(type);
    }
    for (const type of types) generations.set(type, (generations.get(type) ?? 0) + 1);
    // Every replica drops the shared entries too: an answer a replica stored just before it
    // heard the announcement is dropped by its own delete, which Redis runs after the store.
    const pipeline = redis.pipeline();
    for (const { type, id } of changed) pipeline.del(`${prefix}:entity:${type}:${id}`);
    for (const type of types) pipeline.incr(`${prefix}:generation:${type}`);
    pipeline.exec().catch(() => {});
  }

  subscriber.on('ready', () => {
    subscriber.subscribe(`${settings.redisPrefix}:${ENTITY_CHANGED_CHANNEL}`).then(
      () => {
        // Announcements sent while the channel was down are lost: start again from empty.
        entities.clear();
        responses.clear();
        resetAt = heard += 1;
        listening = true;
      },
      (error: unknown) => logger.warn('cache announcements not subscribed', { error: (error as Error).message }),
    );
  });
  subscriber.on('close', () => (listening = false));
  onJsonMessage(subscriber, (payload) => {
    const changed = (payload as EntitiesChanged | null)?.entities;
    if (!Array.isArray(changed)) return;
    forget(changed.filter((entity): entity is ChangedEntity => typeof entity?.type === 'string' && typeof entity?.id === 'string'));
  });

  // ---- entity fetches ----
  const viewerKey = (context: GatewayContext): string => (context.viewer ? `${context.viewer.id}/${context.viewer.role}` : 'anonymous');

  async function cachedEntityFetch(request: SubgraphRequest, next: (request: SubgraphRequest) => Promise<SubgraphResponse>): Promise<SubgraphResponse> {
    const ttls = policy.entityTtls.get(request.service);
    const representations = request.variables?.['representations'];
    if (!listening || !ttls?.size || !Array.isArray(representations) || request.clientOperation === 'mutation') return next(request);
    const shape = policy.shapeOf(request.service, request.query);
    if (!shape || shape.nested) return next(request);
    const heardBefore = heard;
    const entryKey = `${request.service}|${shape.queryHash}|${otherVariables(request.variables!)}|${shape.perViewer ? viewerKey(request.context) : ''}`;
    // Per representation: its tag, key and TTL when cacheable, and its answer once known.
    const slots = (representations as Array<Record<string, unknown>>).map((representation) => {
      const { __typename: type, id } = representation;
      const ttl = typeof type === 'string' ? ttls.get(type) : undefined;
      if (ttl === undefined || typeof id !== 'string') return null;
      // Anything beyond the key (an @requires field) is part of what the answer depends on.
      const extra = Object.keys(representation).length > 2 ? `|${sha1(JSON.stringify(representation))}` : '';
      return { tag: `${type}:${id}`, field: `${entryKey}${extra}`, ttl, json: entities.get(`${type}:${id}\u0000${entryKey}${extra}`) };
    });
    const sharedMisses = slots.flatMap((slot) => (slot && slot.json === undefined ? [slot] : []));
    if (sharedMisses.length > 0) {
      const pipeline = redis.pipeline();
      for (const slot of sharedMisses) pipeline.hget(`${prefix}:entity:${slot.tag}`, slot.field);
      const replies = await pipeline.exec().catch(() => null);
      const now = Date.now();
      sharedMisses.forEach((slot, index) => {
        const [error, value] = replies?.[index] ?? [null, null];
        if (error || typeof value !== 'string') return;
        const separator = value.indexOf('|');
        const expiresAt = Number(value.slice(0, separator));
        if (expiresAt <= now) return;
        slot.json = value.slice(separator + 1);
        if ((lastHeard.get(slot.tag) ?? 0) <= heardBefore && resetAt <= heardBefore) storeLocally(slot.tag, slot.field, slot.json, expiresAt - now);
      });
    }
    const missing: number[] = [];
    slots.forEach((slot, index) => {
      if (slot?.json === undefined) missing.push(index);
    });
    counts.entityHit += slots.length - missing.length;
    counts.entityMiss += missing.length;
    if (missing.length === 0) return { data: { _entities: slots.map((slot) => JSON.parse(slot!.json!) as unknown) } };
    const partial = missing.length < slots.length;
    const response = await next(partial ? { ...request, variables: { ...request.variables, representations: missing.map((index) => representations[index]) } } : request);
    const fetched = response.data?.['_entities'];
    if (!Array.isArray(fetched) || fetched.length !== missing.length) return response;
    if (!response.errors?.length) storeAnswers(missing.map((index) => slots[index]!), fetched, heardBefore);
    if (!partial) return response;
    const merged: unknown[] = slots.map((slot) => (slot?.json === undefined ? null : JSON.parse(slot.json)));
    missing.forEach((index, position) => (merged[index] = fetched[position]));
    return {
      ...response,
      data: { ...response.data, _entities: merged },
      // Errors name the position in what was sent: point them at the client's representation.
      ...(response.errors && {
        errors: response.errors.map((error) =>
          error.path?.[0] === '_entities' && typeof error.path[1] === 'number' ? { ...error, path: ['_entities', missing[error.path[1]]!, ...error.path.slice(2)] } : error,
        ),
      }),
    };
  }

  function storeLocally(tag: string, field: string, json: string, ttlMs: number): void {
    const key = `${tag}\u0000${field}`;
    entities.set(key, json, { ttl: Math.max(1, ttlMs) });
    // Refused for its size: nothing to index (only evictions of stored entries unindex).
    if (!entities.has(key)) return;
    let keys = byEntity.get(tag);
    if (!keys) byEntity.set(tag, (keys = new Set()));
    keys.add(key);
  }

  function storeAnswers(slots: Array<{ tag: string; field: string; ttl: number } | null>, answers: unknown[], heardBefore: number): void {
    const pipeline = redis.pipeline();
    let shared = 0;
    slots.forEach((slot, index) => {
      const answer = answers[index];
      // Null (no such entity, yet) is not kept: the id may be about to exist.
      if (!slot || answer === null || answer === undefined) return;
      // Announced while it was being fetched: it may be older than the announcement.
      if ((lastHeard.get(slot.tag) ?? 0) > heardBefore || resetAt > heardBefore) return;
      const json = JSON.stringify(answer);
      storeLocally(slot.tag, slot.field, json, slot.ttl * 1_000);
      const hash = `${prefix}:entity:${slot.tag}`;
      pipeline.hset(hash, slot.field, `${Date.now() + slot.ttl * 1_000}|${json}`);
      // The hash lives as long as its longest-lived answer (each answer carries its own expiry).
      pipeline.expire(hash, maxTtlSeconds, 'NX');
      pipeline.expire(hash, maxTtlSeconds, 'GT');
      shared += 1;
    });
    if (shared > 0) pipeline.exec().catch(() => {});
  }

  // ---- anonymous responses ----
  function responseShape(schema: GraphQLSchema, document: DocumentNode): ResponseShape | null {
    const typeInfo = new TypeInfo(schema);
    const types = new Set<string>();
    let cacheable = true;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          const parent = typeInfo.getParentType();
          const name = field.name.value;
          if (!parent || name.startsWith('__')) return;
          const owners = isObjectType(parent) ? [parent] : isAbstractType(parent) ? schema.getPossibleTypes(parent) : [];
          for (const owner of owners) {
            if (!policy.entityTypes.has(owner.name)) continue;
            if (!policy.coveredFields.has(`${owner.name}.${name}`)) cacheable = false;
            types.add(owner.name);
          }
          const returned = typeInfo.getType();
          const named = returned ? getNamedType(returned) : undefined;
          if (named && isCompositeType(named)) {
            for (const type of isAbstractType(named) ? schema.getPossibleTypes(named) : [named]) if (policy.entityTypes.has(type.name)) types.add(type.name);
          }
        },
      }),
    );
    if (!cacheable || types.size === 0) return null;
    const ttls = [...types].map((type) => Math.min(...[...policy.entityTtls.values()].flatMap((ttls) => (ttls.has(type) ? [ttls.get(type)!] : []))));
    if (ttls.some((ttl) => !Number.isFinite(ttl))) return null;
    return { types: [...types].sort(), ttlSeconds: Math.min(...ttls) };
  }

  const hitResponse = (json: string) => ({ http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single' as const, singleResult: JSON.parse(json) as Record<string, unknown> } });

  return {
    name: 'caching',
    apollo: {
      async requestDidStart() {
        let pending: { key: string; shape: ResponseShape; local: number[]; shared: number[]; heardBefore: number } | undefined;
        return {
          async responseForOperation({ operation, contextValue, document, source, schema, request }) {
            if (!listening || operation.operation !== 'query' || contextValue.authorization !== undefined) return null;
            const shapeKey = `${request.operationName ?? ''}\u0000${source}`;
            let shape = responseShapes.get(shapeKey);
            if (!shape) responseShapes.set(shapeKey, (shape = responseShape(schema, document) ?? { none: true }));
            if ('none' in shape) return null;
            const key = sha1(JSON.stringify([request.operationName ?? null, source, request.variables ?? {}]));
            const [local, heardBefore] = [generationsOf(shape.types), heard];
            const cached = responses.get(key);
            if (cached && cached.generations.every((generation, index) => generation === local[index])) {
              counts.responseHit += 1;
              return hitResponse(cached.json);
            }
            const replies = await redis
              .pipeline()
              .get(`${prefix}:response:${key}`)
              .mget(shape.types.map((type) => `${prefix}:generation:${type}`))
              .exec()
              .catch(() => null);
            const stored = replies?.[0]?.[1];
            const shared = ((replies?.[1]?.[1] as Array<string | null> | undefined) ?? shape.types.map(() => null)).map(Number);
            if (typeof stored === 'string') {
              const { generations: storedGenerations, json, expiresAt } = JSON.parse(stored) as { generations: number[]; json: string; expiresAt: number };
              if (storedGenerations.every((generation, index) => generation === shared[index]) && expiresAt > Date.now()) {
                responses.set(key, { json, types: shape.types, generations: local }, { ttl: expiresAt - Date.now() });
                counts.responseHit += 1;
                return hitResponse(json);
              }
            }
            counts.responseMiss += 1;
            pending = { key, shape, local, shared, heardBefore };
            return null;
          },
          async willSendResponse({ response }) {
            if (!pending || response.body.kind !== 'single') return;
            const { data, errors } = response.body.singleResult;
            if (errors?.length || !data) return;
            const { key, shape, local, shared, heardBefore } = pending;
            if (resetAt > heardBefore) return;
            const json = JSON.stringify(response.body.singleResult);
            // Stored under the generations read before execution: an announcement heard since makes it stale at once.
            responses.set(key, { json, types: shape.types, generations: local }, { ttl: shape.ttlSeconds * 1_000 });
            const expiresAt = Date.now() + shape.ttlSeconds * 1_000;
            redis.set(`${prefix}:response:${key}`, JSON.stringify({ generations: shared, json, expiresAt }), 'PX', shape.ttlSeconds * 1_000).catch(() => {});
          },
        };
      },
    },
    wrapSubgraphFetch: (next) => (request) => (request.operation === 'query' && request.query.includes('_entities') ? cachedEntityFetch(request, next) : next(request)),
    routes(_router, services) {
      new Counter({
        name: 'gateway_cache_lookups_total',
        help: 'Cache lookups by cache (entity: one per representation; response: one per anonymous query it may answer) and result.',
        labelNames: ['cache', 'result'] as const,
        registers: [services.metrics],
        collect() {
          this.reset();
          this.inc({ cache: 'entity', result: 'hit' }, counts.entityHit);
          this.inc({ cache: 'entity', result: 'miss' }, counts.entityMiss);
          this.inc({ cache: 'response', result: 'hit' }, counts.responseHit);
          this.inc({ cache: 'response', result: 'miss' }, counts.responseMiss);
        },
      });
      new Counter({
        name: 'gateway_cache_invalidations_total',
        help: 'Changed entities announced by the domains (each drops that entity, and responses of its type).',
        registers: [services.metrics],
        collect() {
          this.reset();
          this.inc(counts.invalidations);
        },
      });
    },
    async stop() {
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
