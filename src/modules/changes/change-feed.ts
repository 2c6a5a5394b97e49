import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { logger } from '../../common/log/logger';
import { ChangeEvent, StreamKey, currentFinalKey, finalEventsAfter, isFullBatch } from './change-stream.query';
import { LiveQueue } from './live-queue';

const CHANNEL = 'funnel_changes';
const MAX_BACKOFF_MS = 10_000;
/** How often the stream is read without a wake-up: events held back behind an older transaction become final then. */
const POLL_MS = 250;

/**
 * The change stream of the outbox (migration ChangeOutbox), read in order by one reader per API instance and handed
 * to each live subscriber's bounded queue. A LISTEN connection (reconnected with backoff) wakes
 * the reader at every commit that wrote an event; a short poll picks up events that were held back until an older
 * transaction ended. Listeners of `wake` (the webhook dispatcher) hear every wake-up.
 */
export class ChangeFeed {
  private readonly subscribers = new Set<LiveQueue>();
  private readonly wakeListeners = new Set<() => void>();
  private client: Client | null = null;
  private stopped = false;
  private started = false;
  private last: StreamKey | null = null;
  private reading: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: () => string | null,
    private readonly ds?: DataSource,
  ) {}

  /** Starts listening (idempotent); resolves once LISTEN is in place, or at once when no database URL is known yet. */
  async start(): Promise<void> {
    if (this.started) return;
    // where live readers begin: the stream as it stands (a failure leaves the feed unstarted, to be started again)
    if (this.ds) this.last = await currentFinalKey(this.ds);
    if (this.started) return;
    this.started = true;
    if (this.ds) this.timer = setInterval(() => void this.read(), POLL_MS).unref();
    await this.connect(500);
  }

  /**
   * A live subscriber: every event this feed publishes from now on that `wants` accepts, in stream order, and the
   * position it starts after (everything up to it was published before; everything after it will reach the queue).
   */
  subscribe(wants: (e: ChangeEvent) => boolean): { queue: LiveQueue; after: StreamKey | null } {
    const queue: LiveQueue = new LiveQueue(wants, () => this.subscribers.delete(queue));
    this.subscribers.add(queue);
    return { queue, after: this.last };
  }

  /** Calls fn at every wake-up (a commit that wrote events); returns the unsubscribe. */
  onWake(fn: () => void): () => void {
    this.wakeListeners.add(fn);
    return () => this.wakeListeners.delete(fn);
  }

  /** Reads and publishes every final event after the last one published, in order (one read at a time). */
  read(): Promise<void> {
    if (!this.ds || this.stopped) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.again = false;
          let batch: ChangeEvent[];
          do {
            batch = await finalEventsAfter(this.ds!, this.last);
            for (const e of batch) {
              this.last = e.key;
              for (const q of this.subscribers) q.push(e);
            }
          } while (isFullBatch(batch));
        } while (this.again && !this.stopped);
      } catch (err) {
        if (!this.stopped) logger.warn('change stream read failed; retrying', { err: (err as Error).message });
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  private wake(): void {
    void this.read();
    for (const fn of this.wakeListeners) fn();
  }

  private async connect(wait: number): Promise<void> {
    const url = this.url();
    if (this.stopped || !url) return;
    const client = new Client({ connectionString: url, application_name: 'revenue-funnel-api changes' });
    client.on('notification', (n) => {
      if (n.channel === CHANNEL) this.wake();
    });
    client.on('error', (err) => {
      logger.warn('change feed connection lost; reconnecting', { err: err.message });
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.connect(500), wait).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      this.wake(); // whatever committed while not listening
    } catch (err) {
      client.end().catch(() => undefined);
      logger.warn('change feed not connected yet; retrying', { err: (err as Error).message, retryInMs: wait });
      if (!this.stopped) setTimeout(() => void this.connect(Math.min(wait * 2, MAX_BACKOFF_MS)), wait).unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
    await this.reading;
    for (const q of this.subscribers) await q.return();
  }
}
