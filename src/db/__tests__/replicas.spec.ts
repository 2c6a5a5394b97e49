import { DataSource } from 'typeorm';
import { parseLsn, ReplicaSet, skipReplica } from '../replicas';

describe('replica choice', () => {
  it('reads a WAL position as PostgreSQL prints it', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(parseLsn('FFFFFFFF/FFFFFFFF')).toBe(2n ** 64n - 1n);
    for (const bad of ['', '16', '16/', 'x/1', '1/2/3', '123456789/0', ' 0/1']) expect(parseLsn(bad)).toBeNull();
  });

  it('takes healthy replicas in turn, only those that replayed the asked-for LSN, and says why when none may serve', () => {
    const set = new ReplicaSet({} as DataSource, ['postgres://a/db', 'postgres://b/db', 'postgres://c/db'], {
      maxLagMs: 1000,
      pollMs: 1000,
    });
    const [a, b, c] = set.replicas;
    expect(set.choose(null)).toEqual({ replica: null, reason: 'NO_HEALTHY_REPLICA' });
    Object.assign(a, { healthy: true, lagMs: 0, replayLsn: 100n });
    Object.assign(b, { healthy: true, lagMs: 40, replayLsn: 90n });
    Object.assign(c, { healthy: false, lagMs: 5000, replayLsn: 200n });
    const names = [1, 2, 3, 4].map(() => (set.choose(null) as { replica: { name: string } }).replica.name);
    expect(names.sort()).toEqual(['replica-1', 'replica-1', 'replica-2', 'replica-2']);
    expect(set.choose(95n)).toEqual({ replica: a });
    // c has replayed it but is too far behind; a and b have not
    expect(set.choose(150n)).toEqual({ replica: null, reason: 'NOT_CAUGHT_UP' });
    skipReplica(a, new Error('connect ECONNREFUSED'));
    expect(a).toMatchObject({ healthy: false, problem: 'connect ECONNREFUSED' });
    expect(set.choose(95n)).toEqual({ replica: null, reason: 'NOT_CAUGHT_UP' });
  });
});
