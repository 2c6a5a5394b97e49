import Redis from 'ioredis';
import { Config } from '../../config/config';
import { Logger } from '../log/logger';
import { BucketTake, CostBuckets, LeakyBuckets } from './leaky-bucket';

/**
 * The same leaky bucket as LeakyBuckets, kept in Redis so that every instance takes from one bucket per principal:
 * one hash per principal (points, at), read and written by one Lua script (atomic: Redis runs a script alone), on
 * Redis's own clock (TIME), so instances whose clocks differ still refill it alike. An idle bucket expires once it
 * would be full again: a missing one is a full one.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'points', 'at')
local points = capacity
if b[1] then points = math.min(capacity, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) / 1000 * rate) end
local ok = 0
if cost <= points then
  points = points - cost
  ok = 1
end
redis.call('HSET', KEYS[1], 'points', string.format('%.17g', points), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - points) / rate * 1000) + 1000)
return {ok, string.format('%.17g', points)}`;

type WithTake = Redis & {
  takeCost(key: string, capacity: number, rate: number, cost: number): Promise<[number, string]>;
};

/**
 * Cost buckets in Redis (REDIS_URL), shared by every instance. When Redis does not answer (down, or slower than
 * `timeoutMs`), a request is admitted by this instance's own in-memory buckets instead of failing: the API stays up,
 * and for that time each instance grants its own rate (logged once a minute while it lasts).
 */
export class RedisCostBuckets implements CostBuckets {
  private readonly redis: WithTake;
  private readonly fallback: LeakyBuckets;
  private warnedAt = 0;

  constructor(
    url: string,
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly logger: Logger,
    private readonly prefix = 'revenue-funnel:cost:',
    timeoutMs = 250,
  ) {
    this.redis = new Redis(url, {
      lazyConnect: true, // connect() at start; afterwards ioredis reconnects by itself
      enableOfflineQueue: false, // a command while disconnected fails at once, to the fallback
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    }) as WithTake;
    this.redis.on('error', () => undefined); // reported through the fallback's warning, not as an unhandled event
    this.redis.defineCommand('takeCost', { numberOfKeys: 1, lua: TAKE });
    this.fallback = new LeakyBuckets(capacity, refillPerSecond);
  }

  /** Connects before the first request (a request before that would take from the fallback); a failure is logged. */
  async connect(): Promise<void> {
    await this.redis.connect().catch((e: Error) => this.warn(e));
  }

  async take(principal: string, cost: number): Promise<BucketTake> {
    let ok: number;
    let points: number;
    try {
      const [done, left] = await this.redis.takeCost(
        this.prefix + principal,
        this.capacity,
        this.refillPerSecond,
        cost,
      );
      [ok, points] = [done, Number(left)];
    } catch (e) {
      this.warn(e as Error);
      return this.fallback.take(principal, cost);
    }
    if (ok === 1) return { ok: true, remaining: Math.floor(points) };
    return {
      ok: false,
      retryAfterSeconds: Math.max(1, Math.ceil((Math.min(cost, this.capacity) - points) / this.refillPerSecond)),
      remaining: Math.floor(points),
    };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private warn(e: Error): void {
    const now = Date.now();
    if (now - this.warnedAt < 60_000) return;
    this.warnedAt = now;
    this.logger.warn('redis cost buckets unavailable: this instance admits by its own buckets', { err: e.message });
  }
}

/** A server's cost buckets: in Redis when REDIS_URL is set (connected before the first request), else in this process. */
export async function openCostBuckets(
  limits: Config['limits'],
  logger: Logger,
  now: () => number = Date.now,
): Promise<CostBuckets> {
  if (!limits.redisUrl) return new LeakyBuckets(limits.bucketCapacity, limits.refillPerSecond, now);
  const shared = new RedisCostBuckets(limits.redisUrl, limits.bucketCapacity, limits.refillPerSecond, logger);
  await shared.connect();
  return shared;
}
