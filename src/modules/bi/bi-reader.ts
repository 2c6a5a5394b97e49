import { DataSource } from 'typeorm';
import { logger } from '../../common/log/logger';

/**
 * Sets the bi_reader role's password (migration 1764720000000 creates the role where roles can be created). The
 * statement is built server-side with format(%L), so the password is quoted by PostgreSQL itself. A database user that
 * may not alter roles only gets a warning: the DBA sets the password then.
 */
export async function setBiReaderPassword(ds: DataSource, password: string): Promise<boolean> {
  try {
    const [{ exists }] = await ds.query(`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader') AS exists`);
    if (!exists) return false;
    const [{ sql }] = await ds.query(`SELECT format('ALTER ROLE bi_reader LOGIN PASSWORD %L', $1::text) AS sql`, [
      password,
    ]);
    await ds.query(sql);
    return true;
  } catch (err) {
    logger.warn(
      'could not set the bi_reader password (set it as the database owner: ALTER ROLE bi_reader PASSWORD ...)',
      { err: (err as Error).message },
    );
    return false;
  }
}

/** BI_READER_DISABLED: the role may not log in at all (NOLOGIN); a warning where the service may not alter roles. */
export async function disableBiReader(ds: DataSource): Promise<void> {
  try {
    await ds.query(
      `DO $do$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bi_reader') THEN ALTER ROLE bi_reader NOLOGIN; END IF; END $do$`,
    );
  } catch (err) {
    logger.warn('could not disable the bi_reader role (as the database owner: ALTER ROLE bi_reader NOLOGIN)', {
      err: (err as Error).message,
    });
  }
}

/** The BI connection string for a service database URL (same host, port and database; user bi_reader). */
export function biConnectionString(databaseUrl: string, password: string): string {
  const u = new URL(databaseUrl);
  u.username = 'bi_reader';
  u.password = password;
  return u.toString();
}

/** The settings the bi views read (bi_settings, migration 1765584000000-BiCatalog): the fiscal year's first month. */
export async function writeBiSettings(ds: DataSource, fiscalYearStartMonth: number): Promise<void> {
  await ds.query(
    `INSERT INTO bi_settings (key, value) VALUES ('fiscal_year_start_month', $1)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value WHERE bi_settings.value IS DISTINCT FROM EXCLUDED.value`,
    [String(fiscalYearStartMonth)],
  );
}
