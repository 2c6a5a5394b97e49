import { DataSource } from 'typeorm';
import type { ChangeFeed } from './change-feed';
import {
  ChangeEvent,
  ChangeKind,
  StreamKey,
  checkNotExpired,
  committedAfter,
  decodeKey,
  finalEventsAfter,
  isFullBatch,
  keyAfter,
} from './change-stream.query';

/**
 * One subscriber's events: with `after`, every stored event after it (read from the outbox up to the stream's final
 * position) and then the live ones past the last one replayed; without, the live ones. The live subscription is
 * taken first and buffers while the replay reads, so nothing falls between the two and nothing comes twice.
 * Without a cursor, only what commits after the subscription. Decoding and the retention check happen before the
 * first event, so a bad cursor fails the subscribe.
 */
export async function changeStream(
  feed: ChangeFeed,
  ds: DataSource,
  kind: ChangeKind,
  args: { ids?: string[] | null; after?: string | null },
): Promise<AsyncIterable<ChangeEvent>> {
  const ids = args.ids?.length ? new Set(args.ids) : null;
  let last: StreamKey | null = args.after ? decodeKey(args.after) : null;
  if (last) await checkNotExpired(ds, last);
  await feed.start();
  const wanted = (e: ChangeEvent) => e.kind === kind && (!ids || ids.has(e.id));
  const { queue: live, after: publishedUpTo } = feed.subscribe(wanted);
  // without a cursor: only what commits from now on (an event committed already but still held back behind an older
  // transaction would otherwise arrive as if new)
  const before = last
    ? new Set<string>()
    : await committedAfter(ds, publishedUpTo).catch(async (e: unknown) => {
        await live.return();
        throw e;
      });
  async function* events(): AsyncGenerator<ChangeEvent> {
    try {
      if (last) {
        let batch: ChangeEvent[];
        do {
          batch = await finalEventsAfter(ds, last, [kind]);
          for (const e of batch) {
            last = e.key;
            if (wanted(e)) yield e;
          }
        } while (isFullBatch(batch));
      }
      for await (const e of live) if ((!last || keyAfter(e.key, last)) && !before.delete(e.key.id)) yield e;
    } finally {
      await live.return();
    }
  }
  return events();
}
