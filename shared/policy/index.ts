/**
 * The policy area: the schema of config/policies.yml, loading and validating it, and schedules.
 * Example: `const policies = await loadPolicyFile('config/policies.yml')`
 */

export { compilePolicies, compilePolicyFile } from './compile.js';
export {
  COMPILED_POLICIES_FORMAT,
  COMPILED_POLICIES_VERSION,
  type CompiledPolicies,
  CompiledPoliciesError,
  readCompiledFile,
  readCompiledPolicies,
} from './compiled.js';
export {
  formatProblem,
  PolicyFileReadError,
  type PolicyProblem,
  PolicyValidationError,
  type ProblemSeverity,
  ResolvedPolicyError,
  ScheduleError,
} from './errors.js';
export {
  loadPolicyFile,
  parsePolicyFile,
  type ValidateOptions,
  type ValidationResult,
  validatePolicyFile,
} from './load.js';
export { isKnownRegion, KNOWN_REGIONS, type RegionCode, suggestRegion } from './regions.js';
export { type ResolveOptions, resolvePolicies, resolveReconcile } from './resolve.js';
export {
  type ClusterSelection,
  checkResolvedPolicies,
  checkResolvedReconcile,
  type QuotaSettings,
  type ReconcileSettings,
  type ResolvedPolicies,
  type ResolvedPolicyFile,
  ResolvedPolicySchema,
  ResolvedReconcileSchema,
  ResolvedWindowsSchema,
  type RetentionRules,
  type SnapshotSettings,
  type WindowSettings,
  withReconcile,
} from './resolved.js';
export {
  type CronSchedule,
  type DaylightSavingChange,
  type DayOfMonthRule,
  type DayOfWeekRule,
  daylightSavingChanges,
  longestIntervalSeconds,
  nextScheduledTimes,
  parseSchedule,
  type RateSchedule,
  type Schedule,
  scheduleOf,
  shortestIntervalSeconds,
} from './schedule.js';
export {
  DEFAULT_RECONCILE,
  DEFAULT_RETRY,
  DEFAULT_WINDOWS,
  DefaultsSchema,
  MAX_WINDOW_MINUTES,
  type PolicyFile,
  PolicyFileSchema,
  type PolicyInput,
  PolicySchema,
  ReconcileSchema,
  type ResolvedPolicy,
  type RetrySettings,
} from './schema.js';
export { checkTag, MAX_TAGS_PER_RESOURCE, OWN_TAG_KEYS, RESERVED_TAG_PREFIX } from './tags.js';
export { counted, every } from './text.js';
export {
  formatLocal,
  formatOffset,
  offsetMinutes,
  suggestTimeZones,
  type TimeZoneProblem,
  timeZoneNames,
  timeZoneProblem,
} from './timezone.js';
