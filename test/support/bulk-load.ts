import { Role } from '../../src/common/graphql/enums';
import { BulkOut, UPSERT_USERS } from './ops';
import { TestApi } from './test-server';

/** Sends each [bulk document, items] step in order as one all-or-none call by SERVICE; every item must succeed. */
export async function bulkLoad(api: TestApi, steps: readonly (readonly [string, readonly unknown[]])[]): Promise<void> {
  for (const [doc, input] of steps) {
    if (!input.length) continue;
    const out = Object.values(await api.ok<Record<string, BulkOut>>(doc, { input, allOrNone: true }, Role.SERVICE))[0];
    expect(out.errorCount).toBe(0);
  }
}

/** A fresh SALES user whose records a test scopes its queries to (ownerIds): its email and id. */
export async function freshOwner(api: TestApi, p: string): Promise<{ email: string; id: string }> {
  const email = `${p}@owner.example`;
  return { email, id: (await api.ok(UPSERT_USERS, { input: [{ email, role: 'SALES' }] })).upsertUsers.results[0].id };
}
