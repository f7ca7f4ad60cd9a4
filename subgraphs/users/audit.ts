import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient } from '../../prisma/users/generated/client.js';
import type { AuditAction, AuditRecorded } from '../../contracts/audit-events.js';
import { isId, keysetPage } from '../../platform/pagination.js';
import type { PageRequest } from '../../platform/pagination.js';
import type { AuditEntryConnectionModel } from './models.js';

export type AuditLog = ReturnType<typeof createAuditLog>;

/** The longest `detail` kept: a producer's long text must not make its event unrecordable. */
const DETAIL_MAX = 500;

export interface OwnAuditEntry {
  actorId: string | null;
  action: AuditAction;
  subjectType: string;
  subjectId: string;
  detail: string | null;
}

/**
 * An entry for what happened in users itself (a role or password change, a revoked session
 * family): the caller creates it in the transaction of the action, so there is no action
 * without its entry and no entry without its action.
 */
export const ownAuditEntry = (entry: OwnAuditEntry): Prisma.AuditEntryCreateInput => ({
  id: randomUUID(),
  createdAt: new Date(),
  ...entry,
  domain: 'users',
});

/** The row for another domain's event; an event without an id or a time cannot be recorded. */
function rowOf(event: AuditRecorded): Prisma.AuditEntryCreateManyInput {
  const at = new Date(event.at);
  if (!isId(String(event.eventId)) || Number.isNaN(at.getTime()) || !event.action || !event.subjectType || !event.subjectId) {
    throw new Error(`malformed audit event ${JSON.stringify(event).slice(0, 200)}`);
  }
  return {
    id: event.eventId.toLowerCase(),
    createdAt: at,
    actorId: event.actorId && isId(event.actorId) ? event.actorId.toLowerCase() : null,
    action: String(event.action).slice(0, 64),
    subjectType: String(event.subjectType).slice(0, 32),
    subjectId: String(event.subjectId).slice(0, 64),
    detail: event.detail == null ? null : String(event.detail).slice(0, DETAIL_MAX),
    domain: String(event.domain ?? 'unknown').slice(0, 32),
  };
}

/** The audit log users keeps: entries from every domain, read newest first by admins. */
export function createAuditLog(db: PrismaClient) {
  return {
    /**
     * Records another domain's AuditRecorded event. Delivery is at least once: the event's
     * id is the entry's, so a second delivery inserts nothing.
     */
    async record(event: AuditRecorded): Promise<void> {
      await db.auditEntry.createMany({ data: [rowOf(event)], skipDuplicates: true });
    },

    /** Newest first, by when the action happened. */
    page: (request: PageRequest): Promise<AuditEntryConnectionModel> =>
      keysetPage(request, 'id', (args) => db.auditEntry.findMany(args), (entry) => entry),
  };
}
