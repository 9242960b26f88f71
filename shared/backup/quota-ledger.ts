/**
 * The locations whose manual snapshot quota a run has hit. Taking a snapshot marks a location full when
 * AWS refuses one for the quota (no further attempt there); retention marks it free again when it deleted
 * snapshots there, so the clusters that missed it get one more attempt.
 */
import { type Location, locationKey } from './location.js';

export class QuotaLedger {
  private readonly full = new Set<string>();

  isFull(at: Location): boolean {
    return this.full.has(locationKey(at));
  }

  markFull(at: Location): void {
    this.full.add(locationKey(at));
  }

  markFreed(at: Location): void {
    this.full.delete(locationKey(at));
  }
}
