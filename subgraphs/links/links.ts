import type { PrismaClient } from '../../prisma/links/generated/client.js';
import { CODE_SHAPE, LINK_CHANGED_CHANNEL } from '../../contracts/links-internal.js';
import type { LinkChanged, LinkResolution } from '../../contracts/links-internal.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { prismaErrorCode, TRANSACTION_OPTIONS } from '../../platform/data/database.js';
import { conflict, forbidden, notFound } from '../../platform/errors.js';
import { writeOutbox } from '../../platform/messaging/outbox.js';
import { excerpt } from '../../platform/text.js';
import type { OutboxRelay } from '../../platform/messaging/outbox.js';
import { emptyConnection, keysetPage } from '../../platform/pagination.js';
import type { PageRequest } from '../../platform/pagination.js';
import type { PubSub } from '../../platform/messaging/pubsub.js';
import { auditRecorded } from '../../contracts/audit-events.js';
import type { CodeFilter } from './code-filter.js';
import type { LinkConnectionModel, LinkModel } from './models.js';
import { customCode, expiry, generatedCode, targetUrl } from './rules.js';

export type Links = ReturnType<typeof createLinks>;

export interface LinksDeps {
  db: PrismaClient;
  /** Relays the outbox (audit events) once a write committed. */
  relay: OutboxRelay;
  pubsub: PubSub;
  codes: CodeFilter;
  shortLinkBaseUrl: string;
}

export interface CreateLinkInput {
  url: string;
  customCode?: string | null | undefined;
  expiresAt?: Date | null | undefined;
}

/** What the audit log keeps of a deleted link's target, in characters: enough to tell which link it was. */
const AUDITED_URL_LENGTH = 200;

/** Generated codes collide once in billions; a few retries make a failure practically impossible. */
const GENERATE_ATTEMPTS = 5;

const isLive = (link: { deletedAt: Date | null; expiresAt: Date | null }, now = Date.now()): boolean => !link.deletedAt && (!link.expiresAt || link.expiresAt.getTime() > now);

/** Creating, deleting and finding short links; what the redirect asks about a code. */
export function createLinks({ db, relay, pubsub, codes, shortLinkBaseUrl }: LinksDeps) {
  /** After the write committed: caches drop the code's answer, other replicas learn it exists. */
  const announce = (codeKey: string): Promise<void> => pubsub.publish(LINK_CHANGED_CHANNEL, { codeKey } satisfies LinkChanged);

  async function insert(ownerId: string, url: string, code: string, expiresAt: Date | null): Promise<LinkModel | null> {
    const codeKey = code.toLowerCase();
    // In the filter before the row exists: a false "may exist" costs a lookup, a missing code would be a wrong 404.
    codes.add(codeKey);
    try {
      return await db.link.create({ data: { ownerId, url, code, codeKey, expiresAt } });
    } catch (error) {
      if (prismaErrorCode(error) === 'P2002') return null;
      throw error;
    }
  }

  /** A link that is not deleted (expired ones included: their stats stay readable). */
  async function byCode(code: string): Promise<LinkModel | null> {
    if (!CODE_SHAPE.test(code)) return null;
    const link = await db.link.findUnique({ where: { codeKey: code.toLowerCase() } });
    return link && !link.deletedAt ? link : null;
  }

  return {
    shortUrl: (link: LinkModel): string => `${shortLinkBaseUrl}/s/${link.code}`,

    async create(viewer: Viewer, input: CreateLinkInput): Promise<LinkModel> {
      const url = targetUrl(input.url, shortLinkBaseUrl);
      const expiresAt = expiry(input.expiresAt);
      let link: LinkModel | null = null;
      if (input.customCode != null) {
        link = await insert(viewer.id, url, customCode(input.customCode), expiresAt);
        if (!link) throw conflict(`The code "${input.customCode}" is taken.`, 'customCode');
      } else {
        for (let attempt = 0; !link && attempt < GENERATE_ATTEMPTS; attempt += 1) link = await insert(viewer.id, url, generatedCode(), expiresAt);
        if (!link) throw new Error(`no free code after ${GENERATE_ATTEMPTS} attempts`);
      }
      await announce(link.codeKey);
      return link;
    },

    /** By its owner or an admin. The row stays (the code is never reissued and answers 410). */
    async delete(viewer: Viewer, code: string): Promise<true> {
      const codeKey = code.toLowerCase();
      const audited = await db.$transaction(async (tx) => {
        const [link] = await tx.$queryRaw<Array<{ id: string; code: string; url: string; owner_id: string; deleted_at: Date | null }>>`SELECT id, code, url, owner_id, deleted_at FROM links WHERE code_key = ${codeKey} FOR UPDATE`;
        if (!link || link.deleted_at) throw notFound('No link has that code.');
        if (link.owner_id !== viewer.id && viewer.role !== 'ADMIN') throw forbidden('Only the link\'s owner or an admin can delete it.');
        await tx.link.update({ where: { id: link.id }, data: { deletedAt: new Date() } });
        // Someone else's link: an admin's moderation, which the audit log keeps.
        if (link.owner_id === viewer.id) return false;
        await writeOutbox(tx, auditRecorded({ actorId: viewer.id, action: 'LINK_DELETED_BY_ADMIN', subjectType: 'Link', subjectId: link.id, detail: `by user ${link.owner_id}: ${link.code} → ${excerpt(link.url, AUDITED_URL_LENGTH)}`, domain: 'links' }));
        return true;
      }, TRANSACTION_OPTIONS);
      await announce(codeKey);
      if (audited) await relay.flush();
      return true;
    },

    byCode,

    async requireByCode(code: string): Promise<LinkModel> {
      const link = await byCode(code);
      if (!link) throw notFound('No link has that code.');
      return link;
    },

    /** The user's links, newest first, for the user themself and admins; empty for anyone else. */
    ownedBy(viewer: Viewer | null, ownerId: string, request: PageRequest): Promise<LinkConnectionModel> {
      if (!viewer || (viewer.id !== ownerId && viewer.role !== 'ADMIN')) return Promise.resolve(emptyConnection());
      return keysetPage(request, 'id', ({ where, ...args }) => db.link.findMany({ where: { ownerId, deletedAt: null, ...where }, ...args }), (link) => link);
    },

    /** The most clicked live links: the (clicks, id) index read in order, never a count of clicks. */
    async top(first: number): Promise<LinkModel[]> {
      if (first === 0) return [];
      return db.link.findMany({
        where: { deletedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
        orderBy: [{ clicks: 'desc' }, { id: 'desc' }],
        take: first,
      });
    },

    /** What the redirect needs about a code. Codes the filter has never seen cost no query. */
    async resolve(code: string): Promise<LinkResolution> {
      if (!CODE_SHAPE.test(code)) return { status: 'unknown' };
      const codeKey = code.toLowerCase();
      if (!codes.mayExist(codeKey)) return { status: 'unknown' };
      const link = await db.link.findUnique({ where: { codeKey }, select: { id: true, url: true, expiresAt: true, deletedAt: true } });
      if (!link) return { status: 'unknown' };
      if (!isLive(link)) return { status: 'gone' };
      return { status: 'active', linkId: link.id, url: link.url, expiresAt: link.expiresAt?.getTime() ?? null };
    },
  };
}
