import { columnMap } from '../../common/dataloader/columns';
import { Queryable, rows } from '../../db/sql';
import { preparedRows } from '../../db/prepared';
import { resolveRef } from '../../common/bulk/references';
import { User } from './user.type';

export const USER_COLUMNS = `u.id::text AS id, u.email, u.name, u.role`;
export const USER_FIELDS = columnMap(USER_COLUMNS);

export async function usersByIds(db: Queryable, ids: readonly string[]): Promise<User[]> {
  return preparedRows<User>(db, `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ANY($1::bigint[])`, [ids]);
}

export async function userByEmail(db: Queryable, email: string): Promise<User | null> {
  const r = await rows<User>(db, `SELECT ${USER_COLUMNS} FROM users u WHERE u.email = $1`, [email.toLowerCase()]);
  return r[0] ?? null;
}

export async function allUsers(db: Queryable): Promise<User[]> {
  return rows<User>(db, `SELECT ${USER_COLUMNS} FROM users u ORDER BY u.email`);
}

/** email (lower-cased) → id, for the given emails that exist (null/undefined entries are skipped). */
export async function userIdsByEmail(
  db: Queryable,
  emails: (string | null | undefined)[],
): Promise<Map<string, string>> {
  const wanted = [...new Set(emails.filter((e): e is string => !!e).map((e) => e.toLowerCase()))];
  if (wanted.length === 0) return new Map();
  const r = await rows<{ id: string; email: string }>(
    db,
    `SELECT id::text AS id, email FROM users WHERE email = ANY($1::text[])`,
    [wanted],
  );
  return new Map(r.map((x) => [x.email, x.id]));
}

/** An ownerEmail input resolved with a batch map: undefined stays omitted, null clears, unknown is NOT_FOUND. */
export const resolveOwner = (owners: Map<string, string>, email: string | null | undefined) =>
  resolveRef(owners, email?.toLowerCase() ?? email, 'User', 'ownerEmail');
