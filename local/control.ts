/**
 * The control endpoints under `/_emulator/`, for tests and tools in other processes:
 * `GET state`, `GET health`, `POST reset` (optional ResetOptions), `POST seed` (FleetSeed),
 * `POST faults` (FaultConfig), `POST clock` (`{ "advanceMs": 60000 }`), `POST delete-snapshot`
 * (DeleteSnapshotRequest: `{ "region": "us-east-1", "id": "s1" }`, optional `accountId`).
 * Errors answer `{ "error": "…" }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DeleteSnapshotRequestSchema,
  type FaultConfig,
  type FleetSeed,
  parseConfig,
  type ResetOptions,
} from './config.js';
import { EmulatorConfigError } from './errors.js';
import type { EmulatorState } from './state.js';
import { readBody, sendControl } from './wire.js';

/** What the control endpoints drive: the emulator itself. */
export interface ControlTarget {
  readonly url: string;
  state(): EmulatorState;
  reset(options?: ResetOptions): Promise<void>;
  seed(fleet: FleetSeed): void;
  setFaults(faults: FaultConfig): void;
  deleteSnapshot(accountId: string, region: string, id: string): void;
  advanceClock(ms: number): void;
}

export async function handleControl(
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  try {
    switch (route) {
      case 'GET /_emulator/state':
        return sendControl(res, 200, target.state());
      case 'GET /_emulator/health':
        return sendControl(res, 200, { ok: true, url: target.url });
      case 'POST /_emulator/reset':
        await target.reset((await readJson(req, {})) as ResetOptions);
        return sendControl(res, 200, { ok: true });
      case 'POST /_emulator/seed':
        target.seed((await readJson(req, undefined)) as FleetSeed);
        return sendControl(res, 200, { ok: true });
      case 'POST /_emulator/faults':
        target.setFaults((await readJson(req, {})) as FaultConfig);
        return sendControl(res, 200, { ok: true });
      case 'POST /_emulator/delete-snapshot': {
        const body = parseConfig(DeleteSnapshotRequestSchema, await readJson(req, {}), 'delete-snapshot');
        target.deleteSnapshot(body.accountId ?? target.state().settings.accountId, body.region, body.id);
        return sendControl(res, 200, { ok: true });
      }
      case 'POST /_emulator/clock': {
        const body = (await readJson(req, {})) as { advanceMs?: unknown };
        if (typeof body.advanceMs !== 'number' || !Number.isFinite(body.advanceMs) || body.advanceMs < 0) {
          throw new EmulatorConfigError('invalid clock: advanceMs must be a number >= 0');
        }
        target.advanceClock(body.advanceMs);
        return sendControl(res, 200, { ok: true, now: target.state().now });
      }
      default:
        return sendControl(res, 404, { error: `no control endpoint ${route}` });
    }
  } catch (error) {
    if (error instanceof EmulatorConfigError) return sendControl(res, 400, { error: error.message });
    throw error;
  }
}

/** The JSON body, `empty` when there is none; malformed JSON is an EmulatorConfigError. */
async function readJson(req: IncomingMessage, empty: unknown): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === '') return empty;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EmulatorConfigError(`request body is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
