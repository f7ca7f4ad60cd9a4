// What the users resolvers return for each GraphQL type (codegen mappers, see codegen.ts).
import type { AuditEntry, User } from '../../prisma/users/generated/client.js';
import type { Connection } from '../../platform/pagination.js';

export type UserModel = User;

/** `totalCount` is counted only when a client selects it. */
export interface UserConnectionModel extends Connection<UserModel> {
  totalCount: () => Promise<number>;
}

/**
 * The payload of a `userStatsChanged` event: only the entity key. The counts are read when
 * the event is executed, so a late event can never show an older count than an early one.
 */
export interface UserStatsModel {
  userId: string;
}

export interface AuthPayloadModel {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: UserModel;
}

/** An audit log row; `at` is its `createdAt`, `actor` is looked up from `actorId`. */
export type AuditEntryModel = AuditEntry;

export type AuditEntryConnectionModel = Connection<AuditEntryModel>;

export type { PlatformStatsReference } from '../../contracts/platform-stats.js';
