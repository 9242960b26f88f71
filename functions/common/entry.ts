/**
 * A Lambda entry point over a container's wiring: the wiring is built on the first invocation and kept for
 * warm ones (built again after a failure, so a fixed environment is picked up), and the invocation runs
 * with Powertools' logger context and metrics flushed at the end.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type FunctionWiring, loggerAsRunLog, wireFromEnvironment } from './wiring.js';

/**
 * The handler of a function whose work is `run(event, remainingMs, wiring)`.
 * @example export const handler = lambdaEntry(logger, metrics, runScheduledBackup)
 */
export function lambdaEntry<R>(
  logger: Logger,
  metrics: Metrics,
  run: (event: unknown, remainingMs: number, wiring: FunctionWiring) => Promise<R>,
) {
  let wiring: Promise<FunctionWiring> | undefined;
  const containerWiring = () => {
    wiring ??= wireFromEnvironment(loggerAsRunLog(logger)).catch((error: unknown) => {
      wiring = undefined;
      throw error;
    });
    return wiring;
  };
  return middy(async (event: unknown, context: Context) =>
    run(event, context.getRemainingTimeInMillis(), await containerWiring()),
  )
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }));
}
