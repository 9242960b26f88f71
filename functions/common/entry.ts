/**
 * A Lambda entry point over a container's wiring: the wiring is built on the first invocation and kept for
 * warm ones (built again after a failure, so a fixed environment is picked up), and the invocation runs
 * with Powertools' logger context and metrics flushed at the end. A failed invocation counts itself
 * (`InvocationsFailed`) before that flush, so the flush always has a metric to publish.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { METRICS } from '../../shared/metrics.js';
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
    .use(logMetrics(metrics, { throwOnEmptyMetrics: false }))
    .use(countFailedInvocations(metrics));
}

/**
 * Adds `InvocationsFailed` (1) when the handler throws. Registered after `logMetrics`: middy runs the
 * `onError`s in reverse order, so this one runs before the flush, which then has a metric to publish
 * instead of warning "No application metrics to publish". The error still propagates.
 * @example middy(handler).use(logMetrics(metrics)).use(countFailedInvocations(metrics))
 */
export function countFailedInvocations(metrics: Metrics): MiddlewareObj {
  return {
    onError: () => {
      metrics.addMetric(METRICS.invocationsFailed, MetricUnit.Count, 1);
    },
  };
}
