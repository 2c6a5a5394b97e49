import { AppError } from '../../../common/errors/app-error';
import { ChangeEvent, decodeKey } from '../change-stream.query';
import { LiveQueue, MAX_PENDING } from '../live-queue';

const ev = (n: number, id = '1'): ChangeEvent => ({
  key: { tx: String(1000 + n), id: String(n) },
  kind: 'LEAD',
  id,
  externalId: null,
  version: n,
  op: 'UPDATED',
  occurredAt: new Date(0),
});

describe('LiveQueue (one live subscriber)', () => {
  it('filters before queueing, hands events in order, and ends on return()', async () => {
    let closed = 0;
    const q = new LiveQueue(
      (e) => e.id === '1',
      () => closed++,
    );
    q.push(ev(1));
    q.push(ev(2, '2')); // not this subscriber's
    expect((await q.next()).value).toEqual(ev(1));
    const waiting = q.next().then((r) => r.value); // nothing queued: waits for the next push
    q.push(ev(3));
    expect(await waiting).toEqual(ev(3));
    await q.return();
    expect(await q.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });

  it('a subscriber that falls MAX_PENDING behind is cut off with the cursor to resume from', async () => {
    let closed = 0;
    const q = new LiveQueue(
      () => true,
      () => closed++,
    );
    q.push(ev(1));
    await q.next(); // delivered: the resume point
    for (let n = 2; n <= MAX_PENDING + 2; n++) q.push(ev(n));
    expect(closed).toBe(1);
    const err = await q.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const details = (err as AppError).details as { reason: string; resumeFrom: string };
    expect(details.reason).toBe('SUBSCRIBER_TOO_SLOW');
    expect(decodeKey(details.resumeFrom)).toEqual(ev(1).key);
  });
});
