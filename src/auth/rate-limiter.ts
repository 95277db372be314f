import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** The bucket of a client address. */
export const addressKey = (address: string | undefined) => `address:${address ?? 'unknown'}`;

/** Above this many tracked keys, full (idle) buckets are dropped before a new one is made. */
const SWEEP_ABOVE = 10_000;

/**
 * Token buckets, one per key (a token, an address): each holds up to the per-minute limit and
 * refills continuously, so a client may burst up to the limit and then write at its rate.
 * Kept in this process's memory.
 */
@Injectable()
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.capacity = config.rateLimitWritesPerMinute;
    this.perMs = this.capacity / 60_000;
  }

  get enabled(): boolean {
    return this.capacity > 0;
  }

  /**
   * Takes one write from every key's bucket, or none when one of them is empty: then returns
   * the whole seconds until each of them holds one again.
   */
  take(keys: readonly string[], now = Date.now()): number | null {
    const retryAfter = this.wait(keys, now);
    if (retryAfter === null) {
      this.spend(keys, now);
    }
    return retryAfter;
  }

  /** The whole seconds until every key's bucket holds one again, or null when they all do now. */
  wait(keys: readonly string[], now = Date.now()): number | null {
    if (!this.enabled) {
      return null;
    }
    if (this.buckets.size > SWEEP_ABOVE) {
      this.sweep(now);
    }
    const short = Math.min(...keys.map((key) => this.bucket(key, now).tokens));
    return short < 1 ? Math.max(1, Math.ceil((1 - short) / this.perMs / 1000)) : null;
  }

  /** Takes one from every key's bucket, whatever they hold (a failed authentication). */
  spend(keys: readonly string[], now = Date.now()): void {
    if (!this.enabled) {
      return;
    }
    for (const key of keys) {
      const bucket = this.bucket(key, now);
      bucket.tokens = Math.max(bucket.tokens - 1, 0);
    }
  }

  private bucket(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.capacity, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    return bucket;
  }

  /** Drops the buckets that have refilled: they hold nothing a new bucket would not. */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.perMs >= this.capacity) {
        this.buckets.delete(key);
      }
    }
  }
}
