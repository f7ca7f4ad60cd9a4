import type { Prisma, PrismaClient } from '../../prisma/users/generated/client.js';
import { escapeLikeWildcards } from '../../platform/escape-like-wildcards.js';
import { keysetPage } from '../../platform/pagination.js';
import type { PageRequest } from '../../platform/pagination.js';
import { optionalText } from '../../platform/text.js';
import type { UserConnectionModel, UserModel } from './models.js';

export type Directory = ReturnType<typeof createDirectory>;

/** Finding users: by username, and the searchable list. */
export function createDirectory(db: PrismaClient) {
  return {
    byUsername(username: string): Promise<UserModel | null> | null {
      const usernameKey = username.trim().toLowerCase();
      return /^[a-z0-9_]{3,30}$/.test(usernameKey) ? db.user.findUnique({ where: { usernameKey } }) : null;
    },

    /** Users newest first; `search` matches part of the username or display name, regardless of case. */
    async list(search: string | null | undefined, request: PageRequest): Promise<UserConnectionModel> {
      const text = optionalText(search, { field: 'search', max: 100 });
      // Literal: "%" or "_" typed into a search box means those characters, not "anything".
      const term = text === null ? null : escapeLikeWildcards(text);
      const matching: Prisma.UserWhereInput = term
        ? { OR: [{ usernameKey: { contains: term.toLowerCase() } }, { displayName: { contains: term, mode: 'insensitive' } }] }
        : {};
      const page = await keysetPage(request, 'id', ({ where, ...args }) => db.user.findMany({ where: { AND: [matching, where] }, ...args }), (user) => user);
      return { ...page, totalCount: () => db.user.count({ where: matching }) };
    },
  };
}
