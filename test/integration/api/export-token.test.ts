import { Role } from '../../../src/common/graphql/enums';
import { setLogLevel } from '../../../src/common/log/logger';
import { startTestApi, TestApi } from '../../support/test-server';
import { tokenFor } from '../../support/tokens';

/**
 * Export tokens as a spreadsheet uses them: the URL alone (Excel "From Web", Google Sheets IMPORTDATA send no
 * headers). A token answers the exports as ANALYST does, and nothing else: not /graphql, not beside a header, not
 * once revoked or expired; the database keeps only its hash and no log line carries it.
 */
const PARAMS = 'metrics=LEADS,WIN_RATE&from=1973-01-01&to=1974-01-01&interval=QUARTER';

describe('export tokens (?token= for spreadsheet tools)', () => {
  let api: TestApi;
  let base: string;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    api = await startTestApi();
    base = api.server.url.replace('/graphql', '/export');
    setLogLevel('info', { write: (l: string) => void lines.push(JSON.parse(l)) });
  });
  afterAll(async () => {
    setLogLevel('silent');
    await api.close();
  });

  const create = async (name: string) =>
    (
      await api.ok(
        `mutation($input: ExportTokenInput!) { createExportToken(input: $input) { token exportToken { id name expiresAt revokedAt createdBy } } }`,
        { input: { name, expiresInDays: 7 } },
        Role.REVOPS,
      )
    ).createExportToken as { token: string; exportToken: { id: string; expiresAt: string; createdBy: string } };

  it('the URL alone answers an export as ANALYST would, CSV and JSON', async () => {
    const { token, exportToken } = await create('Q1 workbook');
    expect(token).toMatch(/^fxt_[A-Za-z0-9_-]{43}$/);
    expect(new Date(exportToken.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const viaToken = await fetch(`${base}/kpis.csv?${PARAMS}&token=${token}`);
    expect(viaToken.status).toBe(200);
    const viaHeader = await fetch(`${base}/kpis.csv?${PARAMS}`, {
      headers: { authorization: `Bearer ${tokenFor(Role.ANALYST)}` },
    });
    expect(await viaToken.text()).toBe(await viaHeader.text());
    const json = await fetch(`${base}/kpis.json?token=${token}&${PARAMS}`);
    expect(json.status).toBe(200);
    const access = lines.filter((l) => l.msg === 'export' && l.status === 200);
    expect(access.at(-1)).toMatchObject({ principal: `export-token:${exportToken.id}`, role: 'ANALYST' });
    const [row] = await api.ds.query(`SELECT token_sha256, last_used_at FROM export_tokens WHERE id = $1`, [
      exportToken.id,
    ]);
    expect(row.last_used_at).toBeInstanceOf(Date);
    expect(Buffer.from(row.token_sha256).toString('utf8')).not.toContain(token.slice(4));
    expect(JSON.stringify(lines)).not.toContain(token.slice(4));
  });

  it('refused: on /graphql, beside an Authorization header, forged, revoked, expired (401, UNAUTHENTICATED)', async () => {
    const { token, exportToken } = await create('to revoke');
    const gql = await api.gql(`{ me { role } }`, {}, null, { authorization: `Bearer ${token}` });
    expect([gql.status, gql.body.errors?.[0].extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    const refused = async (url: string, headers: Record<string, string> = {}) => {
      const r = await fetch(url, { headers });
      expect([r.status, ((await r.json()) as any).errors[0].extensions.code]).toEqual([401, 'UNAUTHENTICATED']);
    };
    await refused(`${base}/kpis.json?${PARAMS}&token=${token}`, {
      authorization: `Bearer ${tokenFor(Role.ANALYST)}`,
    });
    await refused(`${base}/kpis.json?${PARAMS}&token=${token.slice(0, -2)}xx`);
    await refused(`${base}/kpis.json?${PARAMS}&token=${token}&token=${token}`);
    const revoked = await api.ok(
      `mutation($id: ID!) { revokeExportToken(id: $id) { revokedAt } }`,
      { id: exportToken.id },
      Role.ADMIN,
    );
    expect(revoked.revokeExportToken.revokedAt).not.toBeNull();
    await refused(`${base}/kpis.json?${PARAMS}&token=${token}`);
    const other = await create('to expire');
    await api.ds.query(`UPDATE export_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      other.exportToken.id,
    ]);
    await refused(`${base}/kpis.json?${PARAMS}&token=${other.token}`);
    expect(lines.some((l) => l.msg === 'authentication failed' && l.door === 'export-token')).toBe(true);
    // created and revoked are in the audit log, without the hash
    const audit = await api.ds.query(
      `SELECT action, changes FROM audit_log WHERE entity = 'export_tokens' AND entity_id = $1 ORDER BY id`,
      [exportToken.id],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['INSERT', 'UPDATE']);
    expect(JSON.stringify(audit)).not.toContain('token_sha256');
  });

  it('bad input is BAD_USER_INPUT: an empty name, a lifetime out of range', async () => {
    for (const input of [{ name: ' ' }, { name: 'x', expiresInDays: 0 }, { name: 'x', expiresInDays: 367 }]) {
      const r = await api.gql(
        `mutation($input: ExportTokenInput!) { createExportToken(input: $input) { token } }`,
        { input },
        Role.ADMIN,
      );
      expect(r.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
