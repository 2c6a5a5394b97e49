import { createPubSub } from '@graphql-yoga/subscription';
import { Client } from 'pg';
import { logger } from '../../common/log/logger';

export type ChangeKind = 'deal' | 'lead';
export interface Change {
  kind: ChangeKind;
  id: string;
  op: 'INSERT' | 'UPDATE';
}

const CHANNEL = 'funnel_changes';
const MAX_BACKOFF_MS = 10_000;

/**
 * The change notifications of migration 1764806400000, from one LISTEN connection per API instance (reconnected with
 * backoff when it drops), published in-process by kind for the subscription resolvers.
 */
export class ChangeFeed {
  readonly pubSub = createPubSub<{ deal: [Change]; lead: [Change] }>();
  private client: Client | null = null;
  private stopped = false;
  private started = false;

  constructor(private readonly url: () => string | null) {}

  /** Starts listening (idempotent); resolves once LISTEN is in place, or at once when no database URL is known yet. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.connect(500);
  }

  private async connect(wait: number): Promise<void> {
    const url = this.url();
    if (this.stopped || !url) return;
    const client = new Client({ connectionString: url, application_name: 'revenue-funnel-api changes' });
    client.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      try {
        const change = JSON.parse(n.payload) as Change;
        if (change.kind === 'deal' || change.kind === 'lead') this.pubSub.publish(change.kind, change);
      } catch {
        logger.warn('bad change notification', { payload: n.payload.slice(0, 200) });
      }
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
    } catch (err) {
      client.end().catch(() => undefined);
      logger.warn('change feed not connected yet; retrying', { err: (err as Error).message, retryInMs: wait });
      if (!this.stopped) setTimeout(() => void this.connect(Math.min(wait * 2, MAX_BACKOFF_MS)), wait).unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const c = this.client;
    this.client = null;
    if (c) await c.end().catch(() => undefined);
  }
}
