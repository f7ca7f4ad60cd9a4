import type { PrismaClient, Role } from '../../prisma/users/generated/client.js';
import { requireAdmin } from '../../platform/auth/token-verifier.js';
import type { Viewer } from '../../platform/auth/token-verifier.js';
import { TRANSACTION_OPTIONS } from '../../platform/data/database.js';
import { badUserInput, forbidden, notFound } from '../../platform/errors.js';
import { requireId } from '../../platform/pagination.js';
import { ownAuditEntry } from './audit.js';
import type { UserModel } from './models.js';
import type { ChangedEntity } from '../../contracts/entity-changes.js';

export type Roles = ReturnType<typeof createRoles>;

/**
 * Changing roles. The role lives in the access token (the gateway and every subgraph read
 * it from there), so a change shows in the user's next token: at their next sign-in or
 * refresh, within 15 minutes at most. `announce` tells caches of users
 * (contracts/entity-changes.ts) a role changed, once the change committed.
 */
export function createRoles(db: PrismaClient, announce: (entities: ChangedEntity[]) => Promise<void> = async () => {}) {
  return {
    /** Admins only (checked against the database too); an admin cannot demote themself. Audited. */
    async setRole(viewer: Viewer | null, userId: string, role: Role): Promise<UserModel> {
      const admin = requireAdmin(viewer);
      const id = requireId(userId, 'userId');
      if (id === admin.id && role !== 'ADMIN') throw badUserInput('An admin cannot demote themself.', 'role');
      const changed = await db.$transaction(async (tx) => {
        // Both rows locked, in id order: two admins demoting each other at once are taken one
        // after the other (never a deadlock), and the second is no longer an admin, so the
        // platform always keeps one. A token from before a demotion is refused here too.
        const rows = await tx.$queryRaw<Array<{ id: string; role: Role }>>`
          SELECT id::text, role FROM users WHERE id IN (${admin.id}::uuid, ${id}::uuid) ORDER BY id FOR UPDATE`;
        if (rows.find((row) => row.id === admin.id)?.role !== 'ADMIN') throw forbidden('Only admins may change roles.');
        const target = rows.find((row) => row.id === id);
        if (!target) throw notFound('No user has that id.');
        if (target.role === role) return tx.user.findUniqueOrThrow({ where: { id } });
        const updated = await tx.user.update({ where: { id }, data: { role } });
        await tx.auditEntry.create({ data: ownAuditEntry({ actorId: admin.id, action: 'ROLE_CHANGED', subjectType: 'User', subjectId: id, detail: `${target.role} → ${role}` }) });
        return updated;
      }, TRANSACTION_OPTIONS);
      await announce([{ type: 'User', id }]);
      return changed;
    },

    /**
     * Makes a user an admin on the operator's word (`npm run make-admin`): how a fresh
     * deployment gets its first admin. Audited with no actor (the system). False when the
     * user already was one.
     */
    async promoteByUsername(username: string): Promise<{ user: UserModel; changed: boolean }> {
      const usernameKey = username.trim().toLowerCase();
      const promoted = await db.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<Array<{ id: string; role: Role }>>`SELECT id::text, role FROM users WHERE username_key = ${usernameKey} FOR UPDATE`;
        if (!row) throw notFound(`No user is named ${username.trim()}.`);
        if (row.role === 'ADMIN') return { user: await tx.user.findUniqueOrThrow({ where: { id: row.id } }), changed: false };
        const user = await tx.user.update({ where: { id: row.id }, data: { role: 'ADMIN' } });
        await tx.auditEntry.create({
          data: ownAuditEntry({ actorId: null, action: 'ROLE_CHANGED', subjectType: 'User', subjectId: row.id, detail: `${row.role} → ADMIN (make-admin command)` }),
        });
        return { user, changed: true };
      }, TRANSACTION_OPTIONS);
      if (promoted.changed) await announce([{ type: 'User', id: promoted.user.id }]);
      return promoted;
    },
  };
}
