import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Export tokens (issue 21): a read-only credential for the HTTP exports that can ride in the URL (`?token=`), for
 * spreadsheet tools that cannot send headers (Excel "From Web", Google Sheets IMPORTDATA). Only its SHA-256 is kept;
 * it acts as ANALYST (no personal data) on /export only, expires, and can be revoked. Creation and revocation are
 * audited like every change.
 */
export class ExportTokens1765670400000 implements MigrationInterface {
  name = 'ExportTokens1765670400000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE export_tokens (
  id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT export_tokens_pkey PRIMARY KEY,
  name text NOT NULL CONSTRAINT export_tokens_name_check CHECK (length(name) BETWEEN 1 AND 200),
  token_sha256 bytea NOT NULL CONSTRAINT export_tokens_token_sha256_key UNIQUE,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz
);
COMMENT ON TABLE export_tokens IS 'Read-only export credentials for spreadsheet tools: the SHA-256 of each token, never the token';
CREATE TRIGGER export_tokens_audit AFTER INSERT OR UPDATE OF name, expires_at, revoked_at OR DELETE ON export_tokens
  FOR EACH ROW EXECUTE FUNCTION audit_row('last_used_at', 'token_sha256');`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE export_tokens`);
  }
}
