import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../platform/messaging/bus.js';

/**
 * The audit trail's contract: every domain tells users, which keeps the log, what an admin
 * (or the system) did in it, as an `AuditRecorded` event written to the domain's own outbox
 * in the transaction of the action, so the entry exists exactly when the action does.
 */
export const AUDIT_RECORDED = 'AuditRecorded';

/**
 * The streams users reads audit events from: each producing domain's own stream. A domain
 * not running yet (deployed after users) costs nothing: its stream is read once it has one,
 * from its start.
 */
export const AUDITED_STREAMS = ['posts', 'polls', 'courses', 'links'] as const;

/** A producing domain's stream name, which is the domain's name. */
export type AuditedStream = (typeof AUDITED_STREAMS)[number];

/** What `AuditEntry.action` says. users records the first three itself. */
export type AuditAction =
  | 'ROLE_CHANGED'
  | 'PASSWORD_CHANGED'
  | 'SESSION_FAMILY_REVOKED'
  | 'POST_DELETED_BY_ADMIN'
  | 'POLL_CLOSED_BY_ADMIN'
  | 'COURSE_CHANGED_BY_ADMIN'
  | 'LINK_DELETED_BY_ADMIN';

export interface AuditRecorded {
  /**
   * Made by the producer when it writes the event: the entry's id, so an event delivered
   * twice (at-least-once delivery) is recorded once.
   */
  eventId: string;
  /** When the action happened (ISO 8601), not when users heard of it. */
  at: string;
  /** Who acted; null for the system. */
  actorId: string | null;
  action: AuditAction;
  subjectType: string;
  subjectId: string;
  detail: string | null;
  /** The domain that recorded it. */
  domain: string;
}

/** A new audit event; `eventId` and `at` are fixed here, once, whatever happens to delivery. */
export const auditRecorded = (data: Omit<AuditRecorded, 'eventId' | 'at'> & { at?: Date }): DomainEvent => {
  const { at, ...rest } = data;
  return { type: AUDIT_RECORDED, data: { ...rest, eventId: randomUUID(), at: (at ?? new Date()).toISOString() } };
};

/** Calls the handler for audit events; every other event type on the stream is not its business. */
export async function onAuditEvent(event: DomainEvent, handler: (event: AuditRecorded) => Promise<void>): Promise<void> {
  if (event.type === AUDIT_RECORDED) await handler(event.data as unknown as AuditRecorded);
}
