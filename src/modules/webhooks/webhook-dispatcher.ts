import { DataSource } from 'typeorm';
import { WebhookConfig } from '../../config/config';
import { logger } from '../../common/log/logger';
import { purgeChanges } from '../changes/change-stream.query';
import type { ChangeFeed } from '../changes/change-feed';
import { signedHeaders } from './webhook.signing';
import { postWebhook } from './webhook-target';
import { AttemptOutcome, ClaimedDelivery, claimDue, finishAttempts, succeeded } from './webhook-delivery.query';

/** A claim's lease: long enough for the attempt and the write of its outcome; after it, another instance may retry. */
export const leaseMs = (timeoutMs: number): number => 2 * timeoutMs + 1_000;
const PURGE_EVERY_MS = 3_600_000;

/** The wait before attempt n+1: min(max, base × factor^(n-1)), "equal jitter" (half fixed, half random). */
export function backoffMs(
  attempt: number,
  c: Pick<WebhookConfig, 'backoffBaseMs' | 'backoffFactor' | 'backoffMaxMs'>,
  random = Math.random,
): number {
  const full = Math.min(c.backoffMaxMs, c.backoffBaseMs * c.backoffFactor ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

/**
 * Delivers the outbox's webhook deliveries: woken by the change feed at every commit that wrote events, and polling
 * for retries that fall due. Each instance claims due deliveries with SKIP LOCKED, sends up to `concurrency` at once,
 * and records every attempt; a failed one waits out its backoff, the last one leaves the delivery DEAD. Retention runs
 * hourly. stop() waits for the attempts in flight.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private purgeTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly config: WebhookConfig,
    private readonly feed: ChangeFeed,
    /** Told each attempt's outcome (the /metrics counter). */
    private readonly observe: (outcome: 'delivered' | 'retry' | 'dead') => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    await this.feed.start();
    if (this.stopped || this.timer) return;
    this.unsubscribe = this.feed.onWake(() => void this.run());
    this.timer = setInterval(() => void this.run(), this.config.pollMs).unref();
    this.purgeTimer = setInterval(() => void this.purge(), PURGE_EVERY_MS).unref();
    void this.run();
  }

  /** One pass (coalesced: a wake-up during a pass runs another after it): claim and send until nothing is due. */
  run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while (!this.stopped) {
            const batch = await claimDue(this.ds, this.config.concurrency, leaseMs(this.config.timeoutMs));
            if (!batch.length) break;
            await finishAttempts(this.ds, await Promise.all(batch.map((d) => this.attempt(d))));
          }
        } while (this.again && !this.stopped);
      } catch (err) {
        if (!this.stopped) logger.warn('webhook dispatch failed; will retry', { err: (err as Error).message });
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** One attempt, sent and judged; its outcome is written with the rest of its batch. */
  private async attempt(d: ClaimedDelivery): Promise<AttemptOutcome> {
    const startedAt = new Date();
    const headers = signedHeaders(d.secret, `evt_${d.eventId}`, startedAt, d.body);
    const r = await postWebhook(d.url, headers, d.body, this.config);
    const ok = succeeded(r);
    const retryAt =
      ok || d.attempt >= this.config.maxAttempts ? null : new Date(Date.now() + backoffMs(d.attempt, this.config));
    this.observe(ok ? 'delivered' : retryAt ? 'retry' : 'dead');
    if (!ok)
      logger.info('webhook attempt failed', {
        delivery: d.id,
        attempt: d.attempt,
        status: r.status,
        error: r.error,
        dead: retryAt === null,
      });
    return { delivery: d, startedAt, ms: r.ms, status: r.status, error: r.error, retryAt };
  }

  private async purge(): Promise<void> {
    try {
      await purgeChanges(this.ds, this.config.retentionDays, this.config.deliveryRetentionDays);
    } catch (err) {
      logger.warn('change retention failed', { err: (err as Error).message });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.running;
  }
}
