/** Errors of the emulator: the ones answered to SDK clients, and the ones thrown at its operator. */

/** Who is at fault, as AWS Query error bodies say it (`<Type>Sender</Type>`). */
export type FaultSide = 'Sender' | 'Receiver';

/**
 * An error answered to the client in its service's wire format (XML for Query, JSON for JSON 1.x).
 * Example: `throw new AwsApiError('DBClusterNotFoundFault', 'DBCluster prod not found.', 404)`
 */
export class AwsApiError extends Error {
  override name = 'AwsApiError';
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.status = status;
  }

  get side(): FaultSide {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

/**
 * A seed, fault configuration or option the emulator cannot accept; the message names the key path.
 * Example: `new EmulatorConfigError('faults: throttleRate: expected a number <= 1')`
 */
export class EmulatorConfigError extends Error {
  override name = 'EmulatorConfigError';
}

/** `InvalidParameterValue` (400), the common AWS Query validation error. */
export function invalidParameterValue(message: string): AwsApiError {
  return new AwsApiError('InvalidParameterValue', message, 400);
}

/** `MissingParameter` (400) for a required request parameter that is absent. */
export function missingParameter(name: string): AwsApiError {
  return new AwsApiError('MissingParameter', `The request must contain the parameter ${name}`, 400);
}
