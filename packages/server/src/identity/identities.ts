/**
 * Identities and their linked logins: GetId's "same identity for the same login", linking a
 * second provider, guest identities becoming signed-in ones, developer identities, and the admin
 * reads and deletes (DescribeIdentity, ListIdentities, DeleteIdentities, Unlink*).
 */
import { randomUUID } from 'node:crypto';
import { CognitoError, errors } from '../errors.js';
import type { Executor, Store } from '../store/db.js';
import * as identityStore from '../store/identities.js';
import type { Identity, IdentityLogin } from '../store/identities.js';
import type { VerifiedLogin } from './logins.js';
import { mergeSyncData } from '../sync/merge.js';

export type { Identity, IdentityLogin } from '../store/identities.js';
export { subjectKey } from '../store/identities.js';

const identityNotFound = (id: string) => errors.resourceNotFound(`Identity '${id}' not found.`);
export const loginsDontMatch = () => errors.notAuthorized("Logins don't match. Please include at least one valid login for this identity or identity pool.");

/** Thrown inside a transaction to run it again: another request linked the same login meanwhile. */
class Retry extends Error {}

export class Identities {
  constructor(private readonly store: Store, private readonly region: string) {}

  newId(): string {
    return `${this.region}:${randomUUID()}`;
  }

  async find(id: string, db: Executor = this.store.db): Promise<Identity | undefined> {
    return identityStore.findIdentity(db, id);
  }

  async get(id: string, db: Executor = this.store.db): Promise<Identity> {
    const identity = await this.find(id, db);
    if (!identity) throw identityNotFound(id);
    return identity;
  }

  async logins(identityId: string, db: Executor = this.store.db): Promise<IdentityLogin[]> {
    return identityStore.loginsOf(db, identityId);
  }

  /** A new guest identity. */
  async createGuest(poolId: string, now: number): Promise<string> {
    const id = this.newId();
    await identityStore.insertIdentity(this.store.db, { id, poolId, authenticated: false }, now);
    return id;
  }

  /** The identity that owns a login, if any. */
  async ownerOf(poolId: string, provider: string, subject: string, db: Executor = this.store.db): Promise<string | undefined> {
    return identityStore.ownerOfLogin(db, poolId, provider, subject);
  }

  private async link(trx: Executor, poolId: string, identityId: string, logins: readonly IdentityLogin[], now: number): Promise<void> {
    for (const login of logins) {
      await identityStore.insertLoginIfAbsent(trx, poolId, identityId, { provider: login.provider, subject: login.subject }, now);
      const owner = await this.ownerOf(poolId, login.provider, login.subject, trx);
      if (owner !== identityId) throw new Retry();
    }
    await identityStore.markAuthenticated(trx, identityId, now);
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
        return await this.store.transaction(async (trx) => {
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
              await identityStore.insertIdentity(trx, { id: target, poolId, authenticated: true }, now);
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
              await mergeSyncData(trx, identityId, target);
              await identityStore.deleteIdentityOfPool(trx, poolId, identityId);
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
    await this.store.transaction(async (trx) => {
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
    return this.store.transaction(async (trx) => {
      let removed = 0;
      for (const login of logins) removed += await identityStore.deleteLogins(trx, identityId, login.provider, login.subject);
      await identityStore.touchIdentity(trx, identityId, now);
      return removed;
    });
  }

  /** MergeDeveloperIdentities: the source's logins move to the destination, the source goes. */
  async merge(poolId: string, source: string, destination: string, now: number): Promise<void> {
    if (source === destination) return;
    await this.store.transaction(async (trx) => {
      await identityStore.moveLogins(trx, poolId, source, destination);
      await mergeSyncData(trx, source, destination);
      await identityStore.deleteIdentityOfPool(trx, poolId, source);
      await identityStore.markAuthenticated(trx, destination, now);
    });
  }

  /** Identities of a pool in ID order, with their logins. */
  async list(poolId: string, limit: number, after?: string): Promise<{ identities: (Identity & { logins: IdentityLogin[] })[]; next?: string }> {
    const rows = await identityStore.listIdentities(this.store.db, poolId, limit + 1, after);
    const page = rows.slice(0, limit);
    const logins = await identityStore.loginsOfMany(this.store.db, page.map((i) => i.id));
    const identities = page.map((i) => ({ ...i, logins: logins.get(i.id) ?? [] }));
    return rows.length > limit ? { identities, next: page[page.length - 1]!.id } : { identities };
  }

  /** The subjects an identity has at one provider, in order (LookupDeveloperIdentity). */
  async subjectsAt(identityId: string, provider: string, limit: number, after?: string): Promise<{ subjects: string[]; next?: string }> {
    return identityStore.subjectsAt(this.store.db, identityId, provider, limit, after);
  }

  /** Deletes identities (DeleteIdentities); their logins go with them. */
  async delete(ids: readonly string[]): Promise<void> {
    await identityStore.deleteIdentities(this.store.db, ids);
  }
}
