import { Viewer } from '../../common/auth/viewer';
import { AppError, notFound } from '../../common/errors/app-error';
import { Role } from '../../common/graphql/enums';
import { Queryable, rows } from '../../db/sql';
import { userByEmail } from '../user/user.repository';

/**
 * Row-level write rule: a SALES user changes only the deals they own (their user row is the token's `sub`);
 * REVOPS, ADMIN and SERVICE change any. Reads stay open. A deal the caller may not change answers exactly like a
 * deal that does not exist (NOT_FOUND), so ids cannot be probed.
 */
export interface DealOwnership {
  /** The SALES caller's user id (null: unrestricted; '0': a SALES token with no user row, which owns nothing). */
  readonly ownerId: string | null;
}

export async function dealOwnership(db: Queryable, viewer: Viewer): Promise<DealOwnership> {
  if (viewer.role !== Role.SALES) return { ownerId: null };
  return { ownerId: (await userByEmail(db, viewer.sub))?.id ?? '0' };
}

/**
 * For a restricted caller, locks the existing deals among the external ids (FOR UPDATE, in the caller's transaction, so
 * the owner cannot change between this check and the write) and returns external id → owner id; nothing otherwise.
 */
export async function lockDealOwners(
  db: Queryable,
  o: DealOwnership,
  externalIds: string[],
): Promise<Map<string, string | null>> {
  if (o.ownerId === null || !externalIds.length) return new Map();
  const r = await rows<{ external_id: string; owner_id: string | null }>(
    db,
    `SELECT external_id, owner_id::text AS owner_id FROM deals WHERE external_id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [[...new Set(externalIds)]],
  );
  return new Map(r.map((x) => [x.external_id, x.owner_id]));
}

/** Throws NOT_FOUND when a restricted caller may not change this existing deal. */
export function checkCanChange(
  o: DealOwnership,
  owner: string | null | undefined,
  externalId: string,
  field: string,
): void {
  if (o.ownerId !== null && owner !== undefined && owner !== o.ownerId) throw notFound('Deal', externalId, field);
}

/**
 * The owner a restricted caller's write may set: themselves (the default on create); anyone else is FORBIDDEN —
 * reassigning a deal is for REVOPS and ADMIN.
 */
export function ownerForWrite(
  o: DealOwnership,
  requested: string | null | undefined,
  creating: boolean,
): string | null | undefined {
  if (o.ownerId === null) return requested;
  if (o.ownerId === '0') throw new AppError('FORBIDDEN', "Your token's subject is not a user, so you cannot own deals");
  if (requested === undefined) return creating ? o.ownerId : undefined;
  if (requested !== o.ownerId)
    throw new AppError('FORBIDDEN', 'Only REVOPS and ADMIN may give a deal to another owner', { field: 'ownerEmail' });
  return requested;
}
