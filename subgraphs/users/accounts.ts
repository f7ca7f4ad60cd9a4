import type { PrismaClient, User } from '../../prisma/users/generated/client.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { TRANSACTION_OPTIONS, prismaErrorCode } from '../../platform/data/database.js';
import { badUserInput, conflict, rateLimited, unauthenticated } from '../../platform/errors.js';
import type { FailureCounter } from '../../platform/failure-counter.js';
import { quotaKey } from '../../platform/http/client-address.js';
import { characterCount } from '../../platform/text.js';
import { ownAuditEntry } from './audit.js';
import type { RegisterInput, UpdateProfileInput } from './__generated__/resolvers-types.js';
import type { AuthPayloadModel, UserModel } from './models.js';
import type { ChangedEntity } from '../../contracts/entity-changes.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { ACCESS_TOKEN_TTL_SECONDS, hashRefreshToken, newRefreshToken } from './tokens.js';
import type { TokenIssuer } from './tokens.js';
import { parseBio, parseDisplayName, parseEmail, parsePassword, parseUsername, PASSWORD_MAX } from './validation.js';

export interface AccountsDeps {
  db: PrismaClient;
  tokens: TokenIssuer;
  refreshTokenTtlDays: number;
  /** Password guesses per account, by login and changePassword alike (brute-force protection). */
  passwordGuesses: FailureCounter;
  /** Account creations per client address, and in all. */
  registrations: { perAddress: FailureCounter; global: FailureCounter };
  /** Called for every password actually verified: what the guess limit bounds (a metric). */
  passwordVerified: (operation: 'login' | 'changePassword') => void;
  /** Tells caches of users a user was created or changed (contracts/entity-changes.ts), after the write committed. */
  announce: (entities: ChangedEntity[]) => Promise<void>;
}

export type Accounts = ReturnType<typeof createAccounts>;

const WRONG_CREDENTIALS = 'Wrong username, email or password.';
const REFRESH_REFUSED = 'The refresh token is invalid, expired or already used; sign in again.';

/** Sign-up, sign-in and sessions (RFC 9700 refresh token rotation with reuse detection). */
export function createAccounts({ db, tokens, refreshTokenTtlDays, passwordGuesses, registrations, passwordVerified, announce }: AccountsDeps) {
  const refreshExpiry = (): Date => new Date(Date.now() + refreshTokenTtlDays * 86_400_000);

  const authPayload = async (user: User, refreshToken: string): Promise<AuthPayloadModel> => ({
    accessToken: await tokens.accessToken(user),
    refreshToken,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    user,
  });

  /** The CONFLICT for a username or email someone already has. */
  async function takenError(usernameKey: string, email: string): Promise<Error | null> {
    const taken = await db.user.findFirst({ where: { OR: [{ usernameKey }, { email }] }, select: { usernameKey: true } });
    if (!taken) return null;
    return taken.usernameKey === usernameKey
      ? conflict('That username is taken.', 'username')
      : conflict('An account with that email already exists.', 'email');
  }

  /**
   * Counts a guess at `key`'s password before it is checked; RATE_LIMITED past the limit.
   * One key per account (its id), whatever name or email addressed it.
   */
  async function guess(key: string): Promise<void> {
    const blockedFor = await passwordGuesses.attempt(key);
    if (blockedFor > 0) throw rateLimited(blockedFor);
  }

  /** A new session holding one fresh refresh token. */
  async function startSession(user: User): Promise<AuthPayloadModel> {
    const refresh = newRefreshToken();
    await db.session.create({
      data: { userId: user.id, tokens: { create: { tokenHash: refresh.hash, expiresAt: refreshExpiry() } } },
    });
    return authPayload(user, refresh.value);
  }

  return {
    /** `clientAddress`: who asks (as the gateway saw it), for the per-address sign-up limit. */
    async register(input: RegisterInput, clientAddress: string): Promise<AuthPayloadModel> {
      const username = parseUsername(input.username);
      const email = parseEmail(input.email);
      const password = parsePassword(input.password);
      const displayName = parseDisplayName(input.displayName);
      const usernameKey = username.toLowerCase();
      // Counted before any work (the hash is the costly part), per address first so one
      // client spends only its own quota before it reaches the global one.
      const blockedFor = (await registrations.perAddress.attempt(quotaKey(clientAddress))) || (await registrations.global.attempt('all'));
      if (blockedFor > 0) throw rateLimited(blockedFor);
      const taken = await takenError(usernameKey, email);
      if (taken) throw taken;
      const refresh = newRefreshToken();
      try {
        // One nested write: the account and its first session exist together or not at all.
        const user = await db.user.create({
          data: {
            username,
            usernameKey,
            email,
            displayName,
            passwordHash: await hashPassword(password),
            sessions: { create: { tokens: { create: { tokenHash: refresh.hash, expiresAt: refreshExpiry() } } } },
          },
        });
        // A new user joins lists (searches) that anonymous responses may hold.
        await announce([{ type: 'User', id: user.id }]);
        return await authPayload(user, refresh.value);
      } catch (error) {
        // Someone registered the same name between the check and the insert.
        if (prismaErrorCode(error) === 'P2002') throw (await takenError(usernameKey, email)) ?? error;
        throw error;
      }
    },

    async login(usernameOrEmail: string, password: string): Promise<AuthPayloadModel> {
      const identifier = usernameOrEmail.trim().toLowerCase();
      if (identifier === '') throw badUserInput('usernameOrEmail must not be empty.', 'usernameOrEmail');
      // Usernames cannot contain "@", so the identifier says which column to look in.
      const user =
        identifier.length > 254
          ? null
          : await db.user.findUnique({ where: identifier.includes('@') ? { email: identifier } : { usernameKey: identifier } });
      // The account, not the name typed, is what is guessed at; a name with no account
      // is limited by itself (it costs a decoy verification too).
      const guessKey = user ? `account:${user.id}` : `nobody:${identifier}`;
      await guess(guessKey);
      passwordVerified('login');
      const matches = characterCount(password) <= PASSWORD_MAX && (await verifyPassword(user?.passwordHash ?? null, password));
      if (!user || !matches) throw unauthenticated(WRONG_CREDENTIALS);
      await passwordGuesses.reset(guessKey);
      return startSession(user);
    },

    async refresh(refreshToken: string): Promise<AuthPayloadModel> {
      const tokenHash = hashRefreshToken(refreshToken);
      const now = new Date();
      const rotated = await db.$transaction(async (tx) => {
        // The conditional update is the race guard: of two requests with one token, one wins.
        const { count } = await tx.refreshToken.updateMany({
          where: { tokenHash, usedAt: null, expiresAt: { gt: now }, session: { revokedAt: null } },
          data: { usedAt: now },
        });
        if (count === 0) return null;
        const spent = await tx.refreshToken.findUniqueOrThrow({ where: { tokenHash }, select: { session: { select: { id: true, user: true } } } });
        const next = newRefreshToken();
        await tx.refreshToken.create({ data: { tokenHash: next.hash, sessionId: spent.session.id, expiresAt: refreshExpiry() } });
        return { user: spent.session.user, refreshToken: next.value };
      }, TRANSACTION_OPTIONS);
      if (rotated) return authPayload(rotated.user, rotated.refreshToken);
      // A spent token presented again was copied: end the whole session it belongs to.
      const known = await db.refreshToken.findUnique({ where: { tokenHash }, select: { usedAt: true, sessionId: true } });
      if (known?.usedAt) {
        await db.$transaction(async (tx) => {
          const [revoked] = await tx.session.updateManyAndReturn({ where: { id: known.sessionId, revokedAt: null }, data: { revokedAt: now }, select: { id: true, userId: true } });
          // Only the request that revoked the family records it; later replays find it revoked.
          if (revoked) {
            const detail = `session ${revoked.id}: a spent refresh token was presented again`;
            await tx.auditEntry.create({ data: ownAuditEntry({ actorId: null, action: 'SESSION_FAMILY_REVOKED', subjectType: 'User', subjectId: revoked.userId, detail }) });
          }
        }, TRANSACTION_OPTIONS);
      }
      throw unauthenticated(REFRESH_REFUSED);
    },

    async logout(refreshToken: string): Promise<boolean> {
      const known = await db.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(refreshToken) }, select: { sessionId: true } });
      if (!known) return false;
      await db.session.updateMany({ where: { id: known.sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
      return true;
    },

    async changePassword(viewer: Viewer, currentPassword: string, newPassword: string): Promise<boolean> {
      const password = parsePassword(newPassword, 'newPassword');
      const user = await db.user.findUnique({ where: { id: viewer.id } });
      if (!user) throw unauthenticated();
      // A stolen access token must not be a way around the login limit.
      await guess(`account:${user.id}`);
      passwordVerified('changePassword');
      const matches = characterCount(currentPassword) <= PASSWORD_MAX && (await verifyPassword(user.passwordHash, currentPassword));
      if (!matches) throw badUserInput('currentPassword is not your current password.', 'currentPassword');
      await passwordGuesses.reset(`account:${user.id}`);
      if (password === currentPassword) throw badUserInput('newPassword must differ from the current password.', 'newPassword');
      const passwordHash = await hashPassword(password);
      await db.$transaction([
        db.user.update({ where: { id: user.id }, data: { passwordHash } }),
        db.session.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: new Date() } }),
        db.auditEntry.create({ data: ownAuditEntry({ actorId: user.id, action: 'PASSWORD_CHANGED', subjectType: 'User', subjectId: user.id, detail: 'every session was signed out' }) }),
      ]);
      return true;
    },

    async updateProfile(viewer: Viewer, input: UpdateProfileInput): Promise<UserModel> {
      const data: { displayName?: string | null; bio?: string | null } = {};
      if (input.displayName !== undefined) data.displayName = parseDisplayName(input.displayName);
      if (input.bio !== undefined) data.bio = parseBio(input.bio);
      let updated: UserModel;
      try {
        updated = await db.user.update({ where: { id: viewer.id }, data });
      } catch (error) {
        if (prismaErrorCode(error) === 'P2025') throw unauthenticated();
        throw error;
      }
      await announce([{ type: 'User', id: updated.id }]);
      return updated;
    },
  };
}
