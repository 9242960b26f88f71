/** What every service handler gets for one API call. */
import type { FaultEngine } from './faults.js';
import type { QueryParams } from './query.js';
import type { RegionStore, World } from './world.js';

export interface CallContext {
  world: World;
  faults: FaultEngine;
  accountId: string;
  region: string;
  /** The account's resources in the call's Region. */
  store: RegionStore;
  /** The emulator's time when the call arrived, epoch milliseconds. */
  nowMs: number;
  requestId: string;
  /** The access key id the request was signed with, when signed (STS needs to know who calls). */
  accessKeyId?: string;
}

/** Answers one AWS Query action: the inner XML of `<ActionResult>`, or undefined for none. */
export type QueryHandler = (ctx: CallContext, params: QueryParams) => string | undefined;
