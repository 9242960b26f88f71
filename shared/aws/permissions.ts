/**
 * How an adapter declares the AWS calls it makes, next to the methods that make them (Cloud Custodian's
 * model: every action declares its permissions). Each adapter module exports a `…_CALLS` object, one
 * `DeclaredCall` per method (a list when the method sends several commands), naming the SDK command class itself; deploy/functions.ts names the calls each
 * deployed function (and the operator CLI) uses, and deploy/template.ts turns them into IAM statements.
 * tests/unit/aws/permissions.test.ts fails when a module sends a command its declarations do not name.
 *
 * @example
 * export const SNS_CALLS = {
 *   send: { command: PublishCommand, actions: ['sns:Publish'], resources: ['alert-topic'], why: 'page on-call' },
 * } as const satisfies CallDeclarations;
 */

/**
 * What a call touches; the deploy narrows each kind to ARNs (deploy/template.ts, `resourcesFor`).
 * - `cluster`, `cluster-snapshot`: DocumentDB (`rds`) resources in the policies' Regions of this account.
 * - `results-table`, `alert-topic`, `event-bus`: this stack's table, topic and bus.
 * - `results-table-index`: the table's secondary indexes.
 * - `kms-key`: the customer managed key of a copy destination (its account and Region), used through RDS.
 * - `role`: the role a copy assumes in a destination account.
 * - `any`: the API supports no resource-level permissions (`*` for that action only).
 */
export type ResourceKind =
  | 'cluster'
  | 'cluster-snapshot'
  | 'results-table'
  | 'results-table-index'
  | 'alert-topic'
  | 'event-bus'
  | 'kms-key'
  | 'role'
  | 'any';

/**
 * Where a DocumentDB resource is: `source`, the policies' Regions in this account (the default), or
 * `destination`, the Regions and accounts the policies copy to.
 */
export type Placement = 'source' | 'destination';

/** A resource kind, optionally placed: `'cluster-snapshot'` or `{ kind: 'cluster-snapshot', at: 'destination' }`. */
export type ResourceRef = ResourceKind | { readonly kind: ResourceKind; readonly at: Placement };

/** An SDK v3 command class, e.g. `DescribeDBClustersCommand`: the class itself, never its name as a string. */
export type CommandClass = abstract new (...args: never[]) => unknown;

/** One call an adapter method makes. */
export interface DeclaredCall {
  /** The SDK command class the method sends. */
  readonly command: CommandClass;
  /** IAM actions the call needs (tag-on-create also needs rds:AddTagsToResource). No wildcard. */
  readonly actions: readonly string[];
  /** What the call touches, narrowed to ARNs by the deploy. */
  readonly resources: readonly ResourceRef[];
  /** Why the product makes the call, in a few words. */
  readonly why: string;
}

/** An adapter's declarations: its method names to the call (or calls) each makes. */
export type CallDeclarations = Readonly<Record<string, DeclaredCall | readonly DeclaredCall[]>>;

/**
 * Every call of an adapter's declarations, in order.
 * @example declaredCalls(SNS_CALLS) // [SNS_CALLS.send]
 */
export function declaredCalls(declarations: CallDeclarations): DeclaredCall[] {
  return Object.values(declarations).flatMap((calls) =>
    Array.isArray(calls) ? calls : [calls as DeclaredCall],
  );
}

function isDeclaredCall(value: unknown): value is DeclaredCall {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DeclaredCall).command === 'function' &&
    Array.isArray((value as DeclaredCall).actions) &&
    Array.isArray((value as DeclaredCall).resources)
  );
}

/** The kind of a resource reference. @example kindOf({ kind: 'cluster-snapshot', at: 'destination' }) // 'cluster-snapshot' */
export function kindOf(ref: ResourceRef): ResourceKind {
  return typeof ref === 'string' ? ref : ref.kind;
}

/** Where a resource reference points. @example placementOf('cluster') // 'source' */
export function placementOf(ref: ResourceRef): Placement {
  return typeof ref === 'string' ? 'source' : ref.at;
}

/** The SDK class name of a call, for messages. @example commandName(SNS_CALLS.send) // 'PublishCommand' */
export function commandName(call: DeclaredCall): string {
  return call.command.name;
}

/**
 * Whether a module export is a declarations object (every value a declared call): how the permissions
 * test finds each adapter's declarations without a list to keep in step.
 * @example isCallDeclarations(SNS_CALLS) // true
 */
export function isCallDeclarations(value: unknown): value is CallDeclarations {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.values(value);
  return (
    entries.length > 0 &&
    entries.every((entry) =>
      Array.isArray(entry) ? entry.length > 0 && entry.every(isDeclaredCall) : isDeclaredCall(entry),
    )
  );
}
