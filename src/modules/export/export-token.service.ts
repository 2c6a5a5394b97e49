import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Role } from '../../common/graphql/enums';
import { Viewer } from '../../common/auth/viewer';
import { badInput, notFound } from '../../common/errors/app-error';
import { dbId } from '../../common/graphql/ids';
import { checkText } from '../../common/validation/checks';
import { rows } from '../../db/sql';
import { TransactionRunner } from '../../db/transaction';
import { ExportToken, ExportTokenInput } from './export-token.types';

const MAX_ACTIVE = 200;
const PREFIX = 'fxt_';
const COLUMNS = `id::text, name, created_by AS "createdBy", created_at AS "createdAt", expires_at AS "expiresAt",
  revoked_at AS "revokedAt", last_used_at AS "lastUsedAt"`;

const sha256 = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** Every export token, newest first (secrets are never shown again). */
export function exportTokens(ds: DataSource): Promise<ExportToken[]> {
  return rows<ExportToken>(ds, `SELECT ${COLUMNS} FROM export_tokens ORDER BY id DESC`);
}

/** Creates a token (32 random bytes, base64url) and keeps its SHA-256; returns the secret once. Audited. */
export async function createExportToken(
  transactions: TransactionRunner,
  viewer: Viewer,
  input: ExportTokenInput,
): Promise<{ exportToken: ExportToken; token: string }> {
  const name = input.name?.trim() ?? '';
  if (!name) throw badInput('name must not be empty', 'name');
  checkText(name, 'name', 200);
  const days = input.expiresInDays ?? 90;
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw badInput('expiresInDays must be an integer from 1 to 366', 'expiresInDays');
  const token = PREFIX + randomBytes(32).toString('base64url');
  return transactions.run(async (tx) => {
    const [{ n }] = await rows<{ n: number }>(
      tx,
      `SELECT count(*)::int AS n FROM export_tokens WHERE revoked_at IS NULL AND expires_at > now()`,
    );
    if (n >= MAX_ACTIVE) throw badInput(`At most ${MAX_ACTIVE} valid export tokens; revoke unused ones`, 'name');
    const [exportToken] = await rows<ExportToken>(
      tx,
      `INSERT INTO export_tokens (name, token_sha256, created_by, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(days => $4)) RETURNING ${COLUMNS}`,
      [name, sha256(token), viewer.sub, days],
    );
    return { exportToken, token };
  });
}

/** Revokes a token at once (already revoked: unchanged). Audited. */
export async function revokeExportToken(transactions: TransactionRunner, id: string): Promise<ExportToken> {
  const key = dbId(id);
  if (!key) throw notFound('ExportToken', id, 'id');
  return transactions.run(async (tx) => {
    const [t] = await rows<ExportToken>(
      tx,
      `UPDATE export_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
      [key],
    );
    if (!t) throw notFound('ExportToken', id, 'id');
    return t;
  });
}

/**
 * The viewer an export token stands for — ANALYST, subject `export-token:<id>` — or null when it is unknown, expired
 * or revoked, in one statement that also notes the use (at most once a minute per token).
 */
export async function exportTokenViewer(ds: DataSource, token: string): Promise<Viewer | null> {
  if (!token.startsWith(PREFIX) || token.length > 100) return null;
  const [t] = await rows<{ id: string }>(
    ds,
    `WITH valid AS (
       SELECT id FROM export_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL AND expires_at > now()
     ),
     used AS (
       UPDATE export_tokens SET last_used_at = date_trunc('minute', now())
       WHERE id IN (SELECT id FROM valid) AND last_used_at IS DISTINCT FROM date_trunc('minute', now())
     )
     SELECT id::text FROM valid`,
    [sha256(token)],
  );
  return t ? { sub: `export-token:${t.id}`, role: Role.ANALYST } : null;
}
