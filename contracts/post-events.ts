import type { DomainEvent } from '../platform/messaging/bus.js';

/**
 * The events the posts domain publishes, and what each carries: the contract between
 * posts and every domain that keeps data about posts (likes, and polls later).
 */
export const POSTS_STREAM = 'posts';

export interface PostCreated {
  postId: string;
  authorId: string;
  createdAt: string;
}

export interface PostDeleted {
  postId: string;
  authorId: string;
}

export const postCreated = (data: PostCreated): DomainEvent => ({ type: 'PostCreated', data: { ...data } });
export const postDeleted = (data: PostDeleted): DomainEvent => ({ type: 'PostDeleted', data: { ...data } });

/** Calls the handler matching the event; other event types are ignored, so producers can add more. */
export async function onPostEvent(
  event: DomainEvent,
  handlers: { created?: (event: PostCreated) => Promise<void>; deleted?: (event: PostDeleted) => Promise<void> },
): Promise<void> {
  if (event.type === 'PostCreated') await handlers.created?.(event.data as unknown as PostCreated);
  else if (event.type === 'PostDeleted') await handlers.deleted?.(event.data as unknown as PostDeleted);
}
