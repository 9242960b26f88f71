/**
 * Request-rate throttling as AWS applies it: a token bucket per account, Region and action (or one bucket
 * shared by a service's other actions). Each call takes a token; a call that finds the bucket empty is
 * answered `Throttling` and takes none; the bucket refills at `rate` tokens per second up to `burst`.
 *
 * This is how the RDS API (and so DocumentDB's, which is the RDS API with signing name `rds`) throttles:
 * "Amazon RDS throttles API requests for each AWS account in each AWS Region … uses a token bucket …
 * By default, you can make up to 300 requests in a burst and a sustained 12 requests per second"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-api-throttling.html). EC2 documents the
 * same algorithm with one bucket per API action
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html), which the per-action keys
 * here allow. The wire answer is the Query protocol's `Throttling` error (see wire.ts `injectedError`).
 *
 * Time is always passed in (the emulator's clock, `World.now()`), so the buckets are deterministic.
 */
import type { TokenBucketSettings } from './config.js';

/**
 * One token bucket. Starts full.
 * Example: `const b = new TokenBucket({ rate: 5, burst: 5 }, 0); b.take(0) // true, 4 tokens left`
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly settings: TokenBucketSettings,
    nowMs: number,
  ) {
    this.tokens = settings.burst;
    this.updatedAt = nowMs;
  }

  /** Takes one token when there is one (true), or leaves the bucket as it is (false: throttled). */
  take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens in the bucket at `nowMs` (fractional while refilling). */
  level(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  private refill(nowMs: number): void {
    // The emulator's clock only moves forward, but a reset may put it back: never take tokens away.
    const elapsedMs = Math.max(0, nowMs - this.updatedAt);
    this.tokens = Math.min(this.settings.burst, this.tokens + (elapsedMs / 1000) * this.settings.rate);
    this.updatedAt = nowMs;
  }
}

/** Where a call comes from, for the bucket it draws on. */
export interface CallOrigin {
  accountId: string;
  region: string;
  /** The emulator's time when the call arrived, epoch milliseconds. */
  nowMs: number;
}

/**
 * The buckets of one throttle configuration, created on first use per account, Region and key. A call of
 * `rds:CreateDBClusterSnapshot` draws on the bucket configured for that action if there is one, else on
 * the `rds:*` bucket (shared by every other `rds` action of the account and Region), else on none.
 * Example: `new ThrottleBuckets({ 'rds:*': { rate: 10, burst: 10 } }).admit('rds:DescribeDBClusters', origin)`
 */
export class ThrottleBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly config: Readonly<Record<string, TokenBucketSettings>> = {}) {}

  /** True when the call may proceed (a token was taken, or no bucket applies); false: throttled. */
  admit(action: string, origin: CallOrigin): boolean {
    const key = this.keyFor(action);
    if (key === undefined) return true;
    const settings = this.config[key] as TokenBucketSettings;
    const id = `${origin.accountId}/${origin.region}/${key}`;
    let bucket = this.buckets.get(id);
    if (!bucket) {
      bucket = new TokenBucket(settings, origin.nowMs);
      this.buckets.set(id, bucket);
    }
    return bucket.take(origin.nowMs);
  }

  /** Tokens per `account/Region/key` bucket created so far, at `nowMs`. */
  levels(nowMs: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, bucket] of this.buckets) out[id] = bucket.level(nowMs);
    return out;
  }

  private keyFor(action: string): string | undefined {
    if (Object.hasOwn(this.config, action)) return action;
    const service = action.slice(0, action.indexOf(':'));
    const wildcard = `${service}:*`;
    return Object.hasOwn(this.config, wildcard) ? wildcard : undefined;
  }
}
