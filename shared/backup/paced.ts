/**
 * DocumentDB at the rate AWS grants: every call a run makes in a Region first takes a permit from that
 * Region's adaptive rate (rate.ts), and a throttled call is "not yet", like a busy cluster: it waits its
 * turn again (full jitter on top of the rate) until the run's signal fires. Only then is it a failure
 * (ThrottledError, with the time it was throttled). AWS throttles per account and Region with a token
 * bucket shared with every other tool in the account, so one gate per Region serves every kind of call.
 */
import type { ClusterInfo, Tag } from '../planning/index.js';
import type { Clock } from './clock.js';
import { ThrottledError } from './errors.js';
import { THROTTLING_ERRORS } from './failures.js';
import { type Location, locationKey } from './location.js';
import type { CopyRequest, CreatedSnapshot, DocdbPort, ExistingSnapshot, ManualSnapshot } from './ports.js';
import type { RatePool } from './rate.js';

/** Backoff after the n-th throttle of one call: full jitter up to min(cap, base × 2^(n-1)). */
const THROTTLE_BASE_MS = 250;
const THROTTLE_CAP_MS = 5_000;
/** Without a signal (the CLI's read-only lookups) a call gives up after this many throttles. */
const MAX_THROTTLES_WITHOUT_SIGNAL = 8;

export interface PaceOptions {
  rates: RatePool;
  clock: Clock;
  random: () => number;
  /** No retry of a throttled call starts at or after this time (epoch ms), signal or not. */
  cutoff?: number;
}

function isThrottle(error: unknown): boolean {
  return error instanceof Error && THROTTLING_ERRORS.has(error.name);
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/**
 * A DocdbPort whose calls are paced per location (account and Region) and retried while throttled.
 * @example const docdb = new PacedDocdb(adapter, { rates: new RatePool({ ... }), clock, random: Math.random })
 */
export class PacedDocdb implements DocdbPort {
  constructor(
    private readonly inner: DocdbPort,
    private readonly options: PaceOptions,
  ) {}

  /** Runs one call through the Region's gate until AWS answers with anything but a throttle. */
  private async paced<T>(at: Location, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    const { clock, random } = this.options;
    const rate = this.options.rates.for(locationKey(at));
    const started = clock.now();
    let throttles = 0;
    const gaveUp = (cause: unknown) =>
      new ThrottledError(
        `throttled by AWS ${throttles} time(s) over ${((clock.now() - started) / 1000).toFixed(1)} s, until the run had to stop`,
        { cause },
      );
    const { cutoff } = this.options;
    // Waiting for a permit can outlast the cutoff: a retry checks again before it calls.
    const beforeCutoff = () => {
      if (throttles > 0 && cutoff !== undefined && clock.now() >= cutoff)
        throw new DOMException('the run reached its cutoff', 'AbortError');
      return call();
    };
    for (;;) {
      try {
        return await rate.run(beforeCutoff, { signal, isThrottle });
      } catch (error) {
        if (throttles > 0 && isAbort(error)) throw gaveUp(error);
        if (!isThrottle(error)) throw error;
        throttles++;
        if (!signal && throttles >= MAX_THROTTLES_WITHOUT_SIGNAL) throw gaveUp(error);
        const ceiling = Math.min(THROTTLE_CAP_MS, THROTTLE_BASE_MS * 2 ** (throttles - 1));
        const delay = Math.floor(random() * ceiling);
        if (cutoff !== undefined && clock.now() + delay >= cutoff) throw gaveUp(error);
        try {
          await clock.sleep(delay, signal);
        } catch {
          throw gaveUp(error);
        }
      }
    }
  }

  listClusters(at: Location, signal?: AbortSignal): Promise<ClusterInfo[]> {
    return this.paced(at, signal, () => this.inner.listClusters(at, signal));
  }

  listTags(at: Location, arn: string, signal?: AbortSignal): Promise<Record<string, string>> {
    return this.paced(at, signal, () => this.inner.listTags(at, arn, signal));
  }

  createSnapshot(
    at: Location,
    request: { clusterId: string; snapshotId: string; tags: Tag[] },
    signal?: AbortSignal,
  ): Promise<CreatedSnapshot> {
    return this.paced(at, signal, () => this.inner.createSnapshot(at, request, signal));
  }

  findSnapshot(
    at: Location,
    snapshotId: string,
    signal?: AbortSignal,
  ): Promise<ExistingSnapshot | undefined> {
    return this.paced(at, signal, () => this.inner.findSnapshot(at, snapshotId, signal));
  }

  snapshotState(at: Location, snapshotId: string, signal?: AbortSignal): Promise<ManualSnapshot | undefined> {
    return this.paced(at, signal, () => this.inner.snapshotState(at, snapshotId, signal));
  }

  listManualSnapshots(at: Location, signal?: AbortSignal): Promise<ManualSnapshot[]> {
    return this.paced(at, signal, () => this.inner.listManualSnapshots(at, signal));
  }

  listClusterSnapshots(at: Location, clusterId: string, signal?: AbortSignal): Promise<ManualSnapshot[]> {
    return this.paced(at, signal, () => this.inner.listClusterSnapshots(at, clusterId, signal));
  }

  deleteSnapshot(at: Location, snapshotId: string, signal?: AbortSignal): Promise<void> {
    return this.paced(at, signal, () => this.inner.deleteSnapshot(at, snapshotId, signal));
  }

  copySnapshot(at: Location, request: CopyRequest, signal?: AbortSignal): Promise<CreatedSnapshot> {
    return this.paced(at, signal, () => this.inner.copySnapshot(at, request, signal));
  }

  shareSnapshot(at: Location, snapshotId: string, account: string, signal?: AbortSignal): Promise<void> {
    return this.paced(at, signal, () => this.inner.shareSnapshot(at, snapshotId, account, signal));
  }

  unshareSnapshot(at: Location, snapshotId: string, account: string, signal?: AbortSignal): Promise<void> {
    return this.paced(at, signal, () => this.inner.unshareSnapshot(at, snapshotId, account, signal));
  }

  copyState(at: Location, snapshotId: string, signal?: AbortSignal): Promise<ManualSnapshot | undefined> {
    return this.paced(at, signal, () => this.inner.copyState(at, snapshotId, signal));
  }

  listCopies(at: Location, signal?: AbortSignal): Promise<ManualSnapshot[]> {
    return this.paced(at, signal, () => this.inner.listCopies(at, signal));
  }

  copyTags(at: Location, arn: string, signal?: AbortSignal): Promise<Record<string, string>> {
    return this.paced(at, signal, () => this.inner.copyTags(at, arn, signal));
  }

  deleteCopy(at: Location, snapshotId: string, signal?: AbortSignal): Promise<void> {
    return this.paced(at, signal, () => this.inner.deleteCopy(at, snapshotId, signal));
  }
}
