import { Prisma } from '../../prisma/posts/generated/client.js';
import type { Post, PrismaClient } from '../../prisma/posts/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { TRANSACTION_OPTIONS, prismaErrorCode } from '../../platform/data/database.js';
import { forbidden, notFound } from '../../platform/errors.js';
import { writeOutbox } from '../../platform/messaging/outbox.js';
import type { OutboxRelay } from '../../platform/messaging/outbox.js';
import type { PubSub } from '../../platform/messaging/pubsub.js';
import type { Logger } from '../../platform/observability/logger.js';
import { coalescedRead } from '../../platform/loaders.js';
import { emptyConnection, keysetPage, pageRequestKey, requireId } from '../../platform/pagination.js';
import type { PageRequest } from '../../platform/pagination.js';
import { auditRecorded } from '../../contracts/audit-events.js';
import { announceChangedEntities } from '../../contracts/entity-changes.js';
import { postCreated, postDeleted } from '../../contracts/post-events.js';
import { excerpt, requireText } from '../../platform/text.js';
import { POST_COLUMNS } from './loaders.js';
import type { PostConnectionModel } from './models.js';

export type Posts = ReturnType<typeof createPosts>;

/** `postCreated` for everyone, or for one author. */
export const postCreatedChannel = (authorId: string | null): string => (authorId ? `postCreated:${authorId}` : 'postCreated');

/** How long deletePost waits for other domains to drop what they hold about the post. */
const DELETE_CONSUMED_WITHIN_MS = 2_000;

/** What the audit log keeps of a deleted post's body, in characters: enough to tell which post it was. */
const AUDITED_BODY_LENGTH = 100;

const parseBody = (body: string): string => requireText(body, { field: 'body', max: 500, multiline: true });

export interface PostsDeps {
  db: PrismaClient;
  relay: OutboxRelay;
  pubsub: PubSub;
  logger: Logger;
}

/** Writing posts (each write with its event in one transaction) and reading timelines. */
export function createPosts({ db, relay, pubsub, logger }: PostsDeps) {
  const page = (filter: Prisma.PostWhereInput, request: PageRequest): Promise<PostConnectionModel> =>
    keysetPage(request, 'id', ({ where, ...args }) => db.post.findMany({ where: { AND: [filter, where] }, ...args }), (post) => post);

  /** The post, or NOT_FOUND. */
  const existing = async (id: string): Promise<Post> => {
    const post = await db.post.findUnique({ where: { id: requireId(id, 'id') } });
    if (!post) throw notFound('No post has that id.');
    return post;
  };

  return {
    async create(viewer: Viewer, body: string): Promise<Post> {
      const text = parseBody(body);
      const post = await db.$transaction(async (tx) => {
        const created = await tx.post.create({ data: { authorId: viewer.id, body: text } });
        await writeOutbox(tx, postCreated({ postId: created.id, authorId: created.authorId, createdAt: created.createdAt.toISOString() }));
        return created;
      }, TRANSACTION_OPTIONS);
      await relay.flush();
      // A new post changes its author's post count and every list it appears in. Caches
      // first: the live event's execution at the gateway may read the author's fields.
      await announceChangedEntities(pubsub, [{ type: 'Post', id: post.id }, { type: 'User', id: post.authorId }]);
      await Promise.all([pubsub.publish(postCreatedChannel(null), post), pubsub.publish(postCreatedChannel(post.authorId), post)]);
      return post;
    },

    async update(viewer: Viewer, id: string, body: string): Promise<Post> {
      const text = parseBody(body);
      const post = await existing(id);
      if (post.authorId !== viewer.id) throw forbidden('Only the author can edit a post.');
      const updated = await db.post.update({ where: { id: post.id }, data: { body: text } }).catch((error: unknown) => {
        // Deleted between the check and the update.
        throw prismaErrorCode(error) === 'P2025' ? notFound('No post has that id.') : error;
      });
      await announceChangedEntities(pubsub, [{ type: 'Post', id: post.id }]);
      return updated;
    },

    async remove(viewer: Viewer, id: string): Promise<boolean> {
      const post = await existing(id);
      if (post.authorId !== viewer.id && viewer.role !== 'ADMIN') throw forbidden('Only the author or an admin can delete a post.');
      const outboxId = await db.$transaction(async (tx) => {
        const { count } = await tx.post.deleteMany({ where: { id: post.id } });
        if (count === 0) return null;
        const outboxRowId = await writeOutbox(tx, postDeleted({ postId: post.id, authorId: post.authorId }));
        // Someone else's post: an admin's moderation, which the audit log keeps.
        if (post.authorId !== viewer.id) await writeOutbox(tx, auditRecorded({ actorId: viewer.id, action: 'POST_DELETED_BY_ADMIN', subjectType: 'Post', subjectId: post.id, detail: `by user ${post.authorId}: ${excerpt(post.body, AUDITED_BODY_LENGTH)}`, domain: 'posts' }));
        return outboxRowId;
      }, TRANSACTION_OPTIONS);
      if (outboxId === null) throw notFound('No post has that id.');
      await Promise.all([relay.flush(), announceChangedEntities(pubsub, [{ type: 'Post', id: post.id }, { type: 'User', id: post.authorId }])]);
      // So that when this returns, no domain still shows the post (likes has dropped its likes).
      // A consumer that is down catches up later; the deletion has happened either way.
      if (!(await relay.consumed(outboxId, DELETE_CONSUMED_WITHIN_MS))) logger.info('post deleted before every consumer caught up', { postId: post.id });
      return true;
    },

    /**
     * The busiest list (every anonymous and signed-in timeline): SQL through Prisma, not
     * `findMany`, whose per-row result mapping was most of a page's cost (bench/subgraphs.ts).
     * The same keyset as `page`: rows older than the cursor by (createdAt, id), newest first.
     * It reads the same for everyone, so concurrent requests for one page share its statement.
     */
    publicTimeline: coalescedRead(pageRequestKey, (request: PageRequest): Promise<PostConnectionModel> =>
      keysetPage(
        request,
        'id',
        ({ take }) =>
          db.$queryRaw<Post[]>`SELECT ${POST_COLUMNS} FROM posts
            WHERE ${request.after ? Prisma.sql`(created_at, id) < (${request.after.at.toISOString()}::timestamptz, ${request.after.id}::uuid)` : Prisma.sql`TRUE`}
            ORDER BY created_at DESC, id DESC LIMIT ${take}`,
        (post) => post,
      ),
    ),
    byAuthor: (authorId: string, request: PageRequest) => page({ authorId }, request),

    /** Posts by the users in `followingIds` (from the users subgraph, via @requires). */
    homeTimeline(followingIds: readonly string[], request: PageRequest): Promise<PostConnectionModel> {
      if (followingIds.length === 0) return Promise.resolve(emptyConnection());
      return page({ authorId: { in: [...followingIds] } }, request);
    },
  };
}
