/**
 * Identities and their linked logins: GetId's "same identity for the same login", linking a
 * second provider, guest identities becoming signed-in ones, developer identities, and the admin
 * reads and deletes (DescribeIdentity, ListIdentities, DeleteIdentities, Unlink*).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { CognitoError, errors } from '../errors.js';
import type { Store } from '../store/db.js';
import type { Database } from '../store/schema.js';
import type { VerifiedLogin } from './logins.js';

export interface Identity {
  id: string;
  poolId: string;
  authenticated: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface IdentityLogin {
  provider: string;
  subject: string;
}

type Db = Kysely<Database> | Transaction<Database>;

export const subjectKey = (subject: string) => createHash('sha256').update(subject, 'utf8').digest('hex');

const identityNotFound = (id: string) => errors.resourceNotFound(`Identity '${id}' not found.`);
export const loginsDontMatch = () => errors.notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.");

/** Thrown inside a transaction to run it again: another request linked the same login meanwhile. */
class Retry extends Error {}

function rowToIdentity(row: { id: string; pool_id: string; authenticated: number; created_at: number; updated_at: number }): Identity {
  return { id: row.id, poolId: row.pool_id, authenticated: row.authenticated === 1, createdAt: row.created_at, updatedAt: row.updated_at };
}

export class Identities {
  constructor(private readonly store: Store, private readonly region: string) {}

  newId(): string {
    return `${this.region}:${randomUUID()}`;
  }

  async find(id: string, db: Db = this.store.db): Promise<Identity | undefined> {
    const row = await db.selectFrom('identities').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? rowToIdentity(row) : undefined;
  }

  async get(id: string, db: Db = this.store.db): Promise<Identity> {
    const identity = await this.find(id, db);
    if (!identity) throw identityNotFound(id);
    return identity;
  }

  async logins(identityId: string, db: Db = this.store.db): Promise<IdentityLogin[]> {
    return db.selectFrom('identity_logins').select(['provider', 'subject']).where('identity_id', '=', identityId).orderBy('created_at').orderBy('provider').execute();
  }

  /** A new guest identity. */
  async createGuest(poolId: string, now: number): Promise<string> {
    const id = this.newId();
    await this.store.db.insertInto('identities').values({ id, pool_id: poolId, authenticated: 0, created_at: now, updated_at: now }).execute();
    return id;
  }

  /** The identity that owns a login, if any. */
  async ownerOf(poolId: string, provider: string, subject: string, db: Db = this.store.db): Promise<string | undefined> {
    const row = await db
      .selectFrom('identity_logins')
      .select('identity_id')
      .where('pool_id', '=', poolId)
      .where('provider', '=', provider)
      .where('subject_key', '=', subjectKey(subject))
      .executeTakeFirst();
    return row?.identity_id;
  }

  private async link(trx: Db, poolId: string, identityId: string, logins: readonly { provider: string; subject: string }[], now: number): Promise<void> {
    for (const login of logins) {
      await trx
        .insertInto('identity_logins')
        .values({ pool_id: poolId, provider: login.provider, subject_key: subjectKey(login.subject), subject: login.subject, identity_id: identityId, created_at: now })
        .onConflict((oc) => oc.columns(['pool_id', 'provider', 'subject_key']).doNothing())
        .execute();
      const owner = await this.ownerOf(poolId, login.provider, login.subject, trx);
      if (owner !== identityId) throw new Retry();
    }
    await trx.updateTable('identities').set({ authenticated: 1, updated_at: now }).where('id', '=', identityId).execute();
  }

  /**
   * The common case of GetId and GetCredentialsForIdentity, read without a write transaction:
   * every login is already linked to one signed-in identity (the one given, if one is). Then
   * there is nothing to link and `resolve` would only rewrite the row; the answer is that identity.
   * `undefined` when anything would change (a new login, a guest, a conflict): `resolve` decides.
   */
  private async alreadyLinked(poolId: string, identityId: string | undefined, logins: readonly VerifiedLogin[], known?: Identity): Promise<string | undefined> {
    if (logins.length === 0) return undefined;
    let owner: string | undefined;
    for (const login of logins) {
      const o = await this.ownerOf(poolId, login.provider, login.subject);
      if (!o || (owner !== undefined && o !== owner)) return undefined;
      owner = o;
    }
    if (identityId !== undefined && owner !== identityId) return undefined;
    const identity = known?.id === owner ? known : await this.find(owner!);
    return identity && identity.poolId === poolId && identity.authenticated ? identity.id : undefined;
  }

  /**
   * The identity a set of verified logins opens, linking those not linked yet.
   * - Without `identityId` (GetId): the identity one of the logins is linked to, or a new one.
   * - With `identityId` (GetCredentialsForIdentity, GetOpenIdToken): that identity. A guest takes
   *   the logins (it becomes a signed-in identity), or is merged into the identity they are already
   *   linked to; a signed-in identity must be given at least one of its own logins.
   * Logins linked to two different identities are refused (ResourceConflictException).
   * `known` is the identity `identityId` names when the caller has just read it.
   */
  async resolve(poolId: string, identityId: string | undefined, logins: readonly VerifiedLogin[], now: number, known?: Identity): Promise<string> {
    const settled = await this.alreadyLinked(poolId, identityId, logins, known);
    if (settled) return settled;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.store.db.transaction().execute(async (trx) => {
          const owners = new Set<string>();
          for (const login of logins) {
            const owner = await this.ownerOf(poolId, login.provider, login.subject, trx);
            if (owner) owners.add(owner);
          }
          let target: string;
          if (identityId === undefined) {
            if (owners.size > 1) throw new CognitoError('ResourceConflictException', 'The logins are linked to different identities.');
            const existing = [...owners][0];
            if (existing) target = existing;
            else {
              target = this.newId();
              await trx.insertInto('identities').values({ id: target, pool_id: poolId, authenticated: 1, created_at: now, updated_at: now }).execute();
            }
          } else {
            const identity = await this.get(identityId, trx);
            if (identity.poolId !== poolId) throw identityNotFound(identityId);
            const others = [...owners].filter((o) => o !== identityId);
            if (identity.authenticated) {
              if (!owners.has(identityId)) throw loginsDontMatch();
              if (others.length > 0) throw new CognitoError('ResourceConflictException', 'A login is already linked to another identity.');
              target = identityId;
            } else if (others.length > 1) {
              throw new CognitoError('ResourceConflictException', 'The logins are linked to different identities.');
            } else if (others.length === 1) {
              // A guest signing in with a login that already has an identity: the guest merges into it.
              target = others[0]!;
              await trx.deleteFrom('identities').where('id', '=', identityId).execute();
            } else {
              target = identityId;
            }
          }
          await this.link(trx, poolId, target, logins, now);
          return target;
        });
      } catch (e) {
        if (e instanceof Retry && attempt < 3) continue;
        if (e instanceof Retry) throw new CognitoError('ResourceConflictException', 'The logins were linked concurrently; try again.');
        throw e;
      }
    }
  }

  /** Links logins to a given identity (GetOpenIdTokenForDeveloperIdentity with an IdentityId). */
  async linkTo(poolId: string, identityId: string, logins: readonly VerifiedLogin[], now: number): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      const identity = await this.get(identityId, trx);
      if (identity.poolId !== poolId) throw identityNotFound(identityId);
      for (const login of logins) {
        const owner = await this.ownerOf(poolId, login.provider, login.subject, trx);
        if (owner && owner !== identityId) {
          throw new CognitoError('DeveloperUserAlreadyRegisteredException', 'The developer user identifier is already registered with a different identity ID.');
        }
      }
      try {
        await this.link(trx, poolId, identityId, logins, now);
      } catch (e) {
        if (e instanceof Retry) throw new CognitoError('ResourceConflictException', 'A login was linked to another identity concurrently.');
        throw e;
      }
    });
  }

  /** Removes logins of an identity (UnlinkIdentity, UnlinkDeveloperIdentity); returns how many went. */
  async unlink(identityId: string, logins: readonly { provider: string; subject?: string }[], now: number): Promise<number> {
    let removed = 0;
    await this.store.db.transaction().execute(async (trx) => {
      for (const login of logins) {
        let q = trx.deleteFrom('identity_logins').where('identity_id', '=', identityId).where('provider', '=', login.provider);
        if (login.subject !== undefined) q = q.where('subject_key', '=', subjectKey(login.subject));
        removed += Number((await q.executeTakeFirst()).numDeletedRows);
      }
      await trx.updateTable('identities').set({ updated_at: now }).where('id', '=', identityId).execute();
    });
    return removed;
  }

  /** MergeDeveloperIdentities: the source's logins move to the destination, the source goes. */
  async merge(poolId: string, source: string, destination: string, now: number): Promise<void> {
    if (source === destination) return;
    await this.store.db.transaction().execute(async (trx) => {
      await trx.updateTable('identity_logins').set({ identity_id: destination }).where('pool_id', '=', poolId).where('identity_id', '=', source).execute();
      await trx.deleteFrom('identities').where('id', '=', source).execute();
      await trx.updateTable('identities').set({ authenticated: 1, updated_at: now }).where('id', '=', destination).execute();
    });
  }

  /** Identities of a pool in ID order, with their logins. */
  async list(poolId: string, limit: number, after?: string): Promise<{ identities: (Identity & { logins: IdentityLogin[] })[]; next?: string }> {
    let q = this.store.db.selectFrom('identities').selectAll().where('pool_id', '=', poolId).orderBy('id').limit(limit + 1);
    if (after) q = q.where('id', '>', after);
    const rows = await q.execute();
    const page = rows.slice(0, limit).map(rowToIdentity);
    const logins = page.length === 0 ? [] : await this.store.db.selectFrom('identity_logins').select(['identity_id', 'provider', 'subject']).where('identity_id', 'in', page.map((i) => i.id)).orderBy('created_at').execute();
    const identities = page.map((i) => ({ ...i, logins: logins.filter((l) => l.identity_id === i.id).map(({ provider, subject }) => ({ provider, subject })) }));
    return rows.length > limit ? { identities, next: page[page.length - 1]!.id } : { identities };
  }

  /** The subjects an identity has at one provider, in order (LookupDeveloperIdentity). */
  async subjectsAt(identityId: string, provider: string, limit: number, after?: string): Promise<{ subjects: string[]; next?: string }> {
    let q = this.store.db.selectFrom('identity_logins').select(['subject', 'subject_key']).where('identity_id', '=', identityId).where('provider', '=', provider).orderBy('subject_key').limit(limit + 1);
    if (after) q = q.where('subject_key', '>', after);
    const rows = await q.execute();
    const page = rows.slice(0, limit);
    return rows.length > limit ? { subjects: page.map((r) => r.subject), next: page[page.length - 1]!.subject_key } : { subjects: page.map((r) => r.subject) };
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.store.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('identity_logins').where('identity_id', 'in', ids).execute();
      await trx.deleteFrom('identities').where('id', 'in', ids).execute();
    });
  }
}
