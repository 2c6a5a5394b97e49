/** What taking a request's cost from a bucket gives: the points left, or the whole seconds to wait before retrying. */
export type BucketTake = { ok: true; remaining: number } | { ok: false; retryAfterSeconds: number; remaining: number };

/** Per-principal cost buckets, in this process (LeakyBuckets) or shared by every instance (RedisCostBuckets). */
export interface CostBuckets {
  take(principal: string, cost: number): BucketTake | Promise<BucketTake>;
  close?(): Promise<void>;
}

/**
 * Per-principal cost buckets (Shopify's leaky bucket): each principal holds up to `capacity` points, restored at
 * `refillPerSecond`; a request takes its requested cost or is refused with the seconds to wait. In memory, per process:
 * with several instances each grants the whole rate, so they share RedisCostBuckets instead (REDIS_URL).
 */
export class LeakyBuckets implements CostBuckets {
  private readonly buckets = new Map<string, { points: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `cost` points from the principal's bucket: remaining points, or the whole seconds to wait before retrying. */
  take(principal: string, cost: number): BucketTake {
    const t = this.now();
    const b = this.buckets.get(principal) ?? { points: this.capacity, at: t };
    const points = Math.min(this.capacity, b.points + ((t - b.at) / 1000) * this.refillPerSecond);
    if (cost > points) {
      this.buckets.set(principal, { points, at: t });
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((Math.min(cost, this.capacity) - points) / this.refillPerSecond)),
        remaining: Math.floor(points),
      };
    }
    this.buckets.set(principal, { points: points - cost, at: t });
    if (this.buckets.size > 100_000) this.evictFull(t);
    return { ok: true, remaining: Math.floor(points - cost) };
  }

  /** Forgets buckets that have refilled completely (they equal a fresh one), bounding memory. */
  private evictFull(t: number): void {
    for (const [k, b] of this.buckets)
      if (b.points + ((t - b.at) / 1000) * this.refillPerSecond >= this.capacity) this.buckets.delete(k);
  }
}
