import { EntityManager } from 'typeorm';
import { Written } from '../../common/bulk/bulk-runner';
import { exec, rows } from '../../db/sql';

/** Users are keyed on their (lower-case) email, which plays the external id's part. */
export async function upsertUser(
  tx: EntityManager,
  email: string,
  hasName: boolean,
  name: string | null,
  role: string,
): Promise<Written> {
  const inserted = await rows<{ id: string }>(
    tx,
    `INSERT INTO users (email, name, role) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING RETURNING id::text AS id`,
    [email, name, role],
  );
  if (inserted.length) return { id: inserted[0].id, created: true, changed: true };
  const r = await exec<{ id: string }>(
    tx,
    `UPDATE users SET name = CASE WHEN $2 THEN $3 ELSE name END, role = $4, version = version + 1, updated_at = now()
     WHERE email = $1 AND (role IS DISTINCT FROM $4 OR ($2 AND name IS DISTINCT FROM $3)) RETURNING id::text AS id`,
    [email, hasName, name, role],
  );
  if (r.rows.length) return { id: r.rows[0].id, created: false, changed: true };
  const existing = await rows<{ id: string }>(tx, `SELECT id::text AS id FROM users WHERE email = $1`, [email]);
  return { id: existing[0].id, created: false, changed: false };
}
