/**
 * The semantic pass: rules across fields and policies that JSON Schema cannot say (unique names and
 * prefixes, schedules, selections, tag counts, Regions, retry delays, start windows against the
 * schedule, the reconcile schedule against the completion windows; disaster-recovery copies in
 * copy-rules.ts) plus warnings. It reads the plain data and checks every value that is well-formed, so a
 * file with a structural problem still gets all its other problems reported at once.
 */
import { checkCopies } from './copy-rules.js';
import type { PolicyProblem } from './errors.js';
import { ScheduleError } from './errors.js';
import { DEFAULT_RECONCILE, DEFAULT_WINDOWS, defaultStartWindowMinutes } from './limits.js';
import { isKnownRegion, suggestRegion } from './regions.js';
import {
  daylightSavingChanges,
  longestIntervalSeconds,
  nextScheduledTimes,
  parseSchedule,
  type Schedule,
  shortestIntervalSeconds,
} from './schedule.js';
import { DEFAULT_RETRY, type RetrySettings, SnapshotPrefixSchema } from './schema.js';
import { formatPath, type PathSegment, type PolicySource } from './source.js';
import { MAX_TAGS_PER_RESOURCE, OBJECT_RESERVED_MESSAGE, OWN_TAG_KEYS } from './tags.js';
import { counted, every, quote } from './text.js';
import { formatOffset, timeZoneProblem } from './timezone.js';

const OWN_TAG_COUNT = Object.keys(OWN_TAG_KEYS).length;
const MAX_USER_TAGS = MAX_TAGS_PER_RESOURCE - OWN_TAG_COUNT;
const HOUR_SECONDS = 3600;
const DAY_MS = 86_400_000;
/** How far ahead `validate` looks for daylight-saving changes that skip a run. */
const DST_LOOKAHEAD_DAYS = 366;

export interface SemanticOptions {
  /** Reference time for time-dependent warnings (a schedule whose years are over). Default: now. */
  now?: Date;
}

type Data = Record<string, unknown>;

function isRecord(value: unknown): value is Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The checks' view of the file: plain values, skipping anything the structural pass already reported.
 * Every check reads plain data; positions (`line`, `error`, `warn`) are looked up only for what is
 * reported, so the pass stays linear in the size of the file however many policies it has.
 */
class Checker {
  readonly problems: PolicyProblem[] = [];
  private readonly broken: ReadonlySet<string>;

  constructor(
    readonly source: PolicySource,
    brokenPaths: readonly string[],
  ) {
    this.broken = new Set(brokenPaths);
  }

  /** True when the value at `path` exists and neither it nor anything above it has a structural problem. */
  ok(path: readonly PathSegment[]): boolean {
    if (this.broken.size > 0) {
      for (let depth = 0; depth <= path.length; depth++) {
        if (this.broken.has(formatPath(path.slice(0, depth)))) return false;
      }
    }
    return this.source.valueAt(path) !== undefined;
  }

  string(path: readonly PathSegment[]): string | undefined {
    const value = this.source.valueAt(path);
    return this.ok(path) && typeof value === 'string' ? value : undefined;
  }

  number(path: readonly PathSegment[]): number | undefined {
    const value = this.source.valueAt(path);
    return this.ok(path) && typeof value === 'number' ? value : undefined;
  }

  record(path: readonly PathSegment[]): Data | undefined {
    const value = this.source.valueAt(path);
    return this.ok(path) && isRecord(value) ? value : undefined;
  }

  /** The well-formed string items of a list, with their paths. */
  strings(path: readonly PathSegment[]): { value: string; path: PathSegment[] }[] {
    const list = this.source.valueAt(path);
    if (!this.ok(path) || !Array.isArray(list)) return [];
    return list
      .map((_, i) => ({ value: this.string([...path, i]), path: [...path, i] }))
      .filter((item): item is { value: string; path: PathSegment[] } => item.value !== undefined);
  }

  error(path: readonly PathSegment[], message: string, target: 'key' | 'value' | 'parent' = 'value'): void {
    this.problems.push(this.source.problem(path, message, { target }));
  }

  warn(path: readonly PathSegment[], message: string): void {
    this.problems.push(this.source.problem(path, message, { severity: 'warning' }));
  }

  line(path: readonly PathSegment[]): number {
    return this.source.lineOf(path);
  }
}

/**
 * Runs every cross-field and cross-policy check on a file whose structure may be partly broken.
 * Example: `checkSemantics(source, []).filter((p) => p.severity === 'error')`
 */
export function checkSemantics(
  source: PolicySource,
  brokenPaths: readonly string[],
  options: SemanticOptions = {},
): PolicyProblem[] {
  const check = new Checker(source, brokenPaths);
  const now = options.now ?? new Date();
  checkDefaults(check);
  const defaultZone = checkTimeZone(check, ['defaults', 'timezone']);
  checkRetention(check, ['defaults', 'retention']);
  checkQuota(check);
  const policies = source.valueAt(['policies']);
  if (!check.ok(['policies']) || !Array.isArray(policies)) return check.problems;
  const names = new Map<string, PathSegment[]>();
  const prefixes = new PrefixIndex();
  const inheritedStart: StartWindowUser[] = [];
  const completions: CompletionWindow[] = [];
  for (const [index, policy] of policies.entries()) {
    const at: PathSegment[] = ['policies', index];
    if (!check.ok(at) || !isRecord(policy)) continue;
    const uniqueName = checkName(check, at, names);
    checkEnabled(check, at);
    const ownZone = checkTimeZone(check, [...at, 'timezone']);
    const zone = check.source.valueAt([...at, 'timezone']) === undefined ? defaultZone : ownZone;
    const shortest = checkSchedule(check, at, now, zone);
    const inherits = checkStartWindow(check, at, shortest, zone);
    if (inherits) inheritedStart.push(inherits);
    const completion = completionWindowOf(check, at);
    if (completion) completions.push(completion);
    checkRegions(check, at);
    checkClusters(check, at);
    checkProtoKey(check, [...at, 'clusters', 'tags']);
    checkProtoKey(check, [...at, 'snapshot', 'tags']);
    checkPrefix(check, at, prefixes, uniqueName);
    checkTagCount(check, at);
    checkRetry(check, at);
    checkRetention(check, [...at, 'retention']);
  }
  checkInheritedStartWindow(check, inheritedStart);
  checkReconcile(check, now, completions);
  checkCopies(check, { retention: (path) => checkRetention(check, path) });
  return check.problems;
}

const DEFAULT_START_WINDOW: PathSegment[] = ['defaults', 'startWindowMinutes'];
const DEFAULT_COMPLETION_WINDOW: PathSegment[] = ['defaults', 'completionWindowMinutes'];
const RECONCILE_SCHEDULE: PathSegment[] = ['reconcile', 'schedule'];

/** `60 minutes`, `1 minute`. */
function minutesText(minutes: number): string {
  return counted(minutes, 'minute');
}

/** The policy's name for messages: its name, else its place in the list. */
function policyLabel(check: Checker, at: PathSegment[]): string {
  const name = check.source.valueAt([...at, 'name']);
  return typeof name === 'string' ? name : formatPath(at);
}

/** A policy that takes its start window from `defaults.startWindowMinutes`, longer than its shortest interval. */
interface StartWindowUser {
  policy: string;
  shortestMinutes: number;
  schedule: string;
}

/**
 * A start window set in the policy that is longer than the shortest interval between its runs: a pending
 * job would still be retried when the next run starts. Returns the policy when it inherits a
 * `defaults.startWindowMinutes` that is too long for it (reported once, at defaults).
 */
function checkStartWindow(
  check: Checker,
  at: PathSegment[],
  shortestSeconds: number | undefined,
  zone: string | undefined,
): StartWindowUser | undefined {
  if (shortestSeconds === undefined || !Number.isFinite(shortestSeconds)) return undefined;
  const shortestMinutes = Math.max(1, Math.floor(shortestSeconds / 60));
  const expression = check.string([...at, 'schedule']) ?? '';
  const schedule = zone === undefined ? expression : `${expression} in ${zone}`;
  const own: PathSegment[] = [...at, 'startWindowMinutes'];
  if (check.source.valueAt(own) !== undefined) {
    const minutes = check.number(own);
    if (minutes === undefined || minutes * 60 <= shortestSeconds) return undefined;
    const inherited = check.source.valueAt(DEFAULT_START_WINDOW) !== undefined;
    const builtIn = inherited
      ? ''
      : ` (or remove it: the built-in default is then ${defaultStartWindowMinutes(shortestSeconds)})`;
    check.error(
      own,
      `expected a start window no longer than the shortest interval between the policy's runs ` +
        `(${minutesText(shortestMinutes)}, ${schedule}), found ${minutesText(minutes)}: a pending job would ` +
        `still be retried when the next run starts; set startWindowMinutes to ${shortestMinutes} or less${builtIn}`,
    );
    return undefined;
  }
  const inherited = check.number(DEFAULT_START_WINDOW);
  if (inherited === undefined || inherited * 60 <= shortestSeconds) return undefined;
  return { policy: policyLabel(check, at), shortestMinutes, schedule };
}

/** The most policies a `defaults.startWindowMinutes` error names before "and N more". */
const MAX_NAMED_POLICIES = 3;

function checkInheritedStartWindow(check: Checker, users: readonly StartWindowUser[]): void {
  const minutes = check.number(DEFAULT_START_WINDOW);
  if (minutes === undefined || users.length === 0) return;
  const named = users
    .slice(0, MAX_NAMED_POLICIES)
    .map((u) => `${quote(u.policy)} (${minutesText(u.shortestMinutes)}, ${u.schedule})`);
  const more = users.length > MAX_NAMED_POLICIES ? ` and ${users.length - MAX_NAMED_POLICIES} more` : '';
  const tightest = Math.min(...users.map((u) => u.shortestMinutes));
  const those = users.length === 1 ? 'that policy' : 'those policies';
  check.error(
    DEFAULT_START_WINDOW,
    `expected a start window no longer than the shortest interval between the runs of each policy that ` +
      `inherits it, found ${minutesText(minutes)}, longer than that of policy ${named.join(', ')}${more}: a ` +
      `pending job would still be retried when the policy's next run starts; set defaults.startWindowMinutes ` +
      `to ${tightest} or less, or set startWindowMinutes in ${those}`,
  );
}

/** An enabled policy's completion window and the value that set it (`undefined`: the built-in default). */
interface CompletionWindow {
  policy: string;
  minutes: number;
  path: PathSegment[] | undefined;
}

function completionWindowOf(check: Checker, at: PathSegment[]): CompletionWindow | undefined {
  if (check.source.valueAt([...at, 'enabled']) === false) return undefined;
  const policy = policyLabel(check, at);
  const own: PathSegment[] = [...at, 'completionWindowMinutes'];
  if (check.source.valueAt(own) !== undefined) {
    const minutes = check.number(own);
    return minutes === undefined ? undefined : { policy, minutes, path: own };
  }
  if (check.source.valueAt(DEFAULT_COMPLETION_WINDOW) !== undefined) {
    const minutes = check.number(DEFAULT_COMPLETION_WINDOW);
    return minutes === undefined ? undefined : { policy, minutes, path: DEFAULT_COMPLETION_WINDOW };
  }
  return { policy, minutes: DEFAULT_WINDOWS.completionMinutes, path: undefined };
}

/** Where a completion window comes from, for messages. */
function completionOrigin(check: Checker, window: CompletionWindow): string {
  if (window.path === undefined) return 'the built-in default';
  return window.path[0] === 'defaults'
    ? `from defaults.completionWindowMinutes, line ${check.line(window.path)}`
    : `line ${check.line(window.path)}`;
}

/**
 * The reconcile schedule (UTC, default `rate(10 minutes)`) must parse like a policy's, and its passes must
 * come at least once within the shortest completion window of any enabled policy: otherwise a snapshot
 * can reach the end of its window without a pass seeing it. An explicit schedule is blamed at
 * `reconcile.schedule`; with the default schedule, each completion window that is too short is.
 */
function checkReconcile(check: Checker, now: Date, completions: readonly CompletionWindow[]): void {
  const explicit = check.source.valueAt(RECONCILE_SCHEDULE) !== undefined;
  const expression = explicit ? check.string(RECONCILE_SCHEDULE) : DEFAULT_RECONCILE.schedule;
  if (expression === undefined) return;
  let schedule: Schedule;
  try {
    schedule = parseSchedule(expression);
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    check.error(RECONCILE_SCHEDULE, error.message);
    return;
  }
  if (nextScheduledTimes(schedule, now, 1).length === 0) {
    check.error(
      RECONCILE_SCHEDULE,
      `expected a reconcile schedule that keeps firing, found ${quote(expression)}, which never fires after ` +
        `${now.toISOString()} (all its years are over): no job would be followed to the end; use a rate(), ` +
        `e.g. ${DEFAULT_RECONCILE.schedule}`,
    );
    return;
  }
  const longest = longestIntervalSeconds(schedule, now);
  const tooShort = completions.filter((c) => c.minutes * 60 < longest);
  const tightest = tooShort.reduce<CompletionWindow | undefined>(
    (best, c) => (best === undefined || c.minutes < best.minutes ? c : best),
    undefined,
  );
  if (tightest === undefined) return;
  const gap = Number.isFinite(longest)
    ? `up to ${minutesText(Math.ceil(longest / 60))} between passes`
    : 'at most one more pass after now';
  if (explicit) {
    const others = tooShort.length - 1;
    const also = others > 0 ? ` and of ${counted(others, 'more policy', 'more policies')}` : '';
    check.error(
      RECONCILE_SCHEDULE,
      `expected a reconcile schedule that runs at least once within every enabled policy's completion ` +
        `window, found ${expression}, ${gap}, longer than the completion window of policy ` +
        `${quote(tightest.policy)} (${minutesText(tightest.minutes)}, ${completionOrigin(check, tightest)})${also}: ` +
        `a snapshot could reach the end of its completion window without a pass seeing it; run the reconciler ` +
        `at least ${every(tightest.minutes, 'minute')}, or lengthen completionWindowMinutes`,
    );
    return;
  }
  const reported = new Set<string>();
  for (const window of tooShort) {
    if (window.path === undefined) continue;
    const key = formatPath(window.path);
    if (reported.has(key)) continue;
    reported.add(key);
    const where =
      window.path[0] === 'defaults'
        ? `, inherited by policy ${quote(window.policy)}${inheritors(tooShort, key, window.policy)}`
        : '';
    const setting =
      window.path[0] === 'defaults' ? 'defaults.completionWindowMinutes' : 'completionWindowMinutes';
    check.error(
      window.path,
      `expected a completion window at least as long as the longest interval between reconcile passes ` +
        `(${DEFAULT_RECONCILE.schedule}, the default reconcile.schedule: ${gap}), found ` +
        `${minutesText(window.minutes)}${where}: a snapshot could reach the end of its completion window ` +
        `without a pass seeing it; set ${setting} to ${Math.ceil(longest / 60)} or more, or set ` +
        'reconcile.schedule to run more often',
    );
  }
}

/** ` and N more` for the other enabled policies that inherit the same too-short completion window. */
function inheritors(windows: readonly CompletionWindow[], key: string, first: string): string {
  const others = windows.filter((w) => w.path && formatPath(w.path) === key && w.policy !== first).length;
  return others > 0 ? ` and ${others} more` : '';
}

/** A retention block must say what to keep: an empty one would keep only the newest snapshot. */
function checkRetention(check: Checker, path: PathSegment[]): void {
  const retention = check.record(path);
  if (retention && Object.keys(retention).length === 0) {
    check.error(
      path,
      'expected at least one rule (keepLast, maxAgeDays, daily, weekly or monthly), found none; remove the block to never delete',
      'key',
    );
  }
}

function checkQuota(check: Checker): void {
  const regions = check.record(['quota', 'regions']);
  for (const region of Object.keys(regions ?? {})) {
    if (isKnownRegion(region)) continue;
    const suggestion = suggestRegion(region);
    check.error(
      ['quota', 'regions', region],
      `expected an AWS Region code, found ${quote(region)}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      'key',
    );
  }
}

/**
 * A `__proto__` tag key. The schema refuses `constructor` and `prototype`, but zod's record parsing skips a
 * `__proto__` key without a word (it would replace the prototype of the parsed object), so it is found here.
 */
function checkProtoKey(check: Checker, path: PathSegment[]): void {
  const tags = check.record(path);
  if (tags && Object.hasOwn(tags, '__proto__')) {
    check.error([...path, '__proto__'], `${OBJECT_RESERVED_MESSAGE}, found key "__proto__"`, 'key');
  }
}

function checkDefaults(check: Checker): void {
  checkDuplicateRegions(check, ['defaults', 'regions']);
  checkProtoKey(check, ['defaults', 'snapshot', 'tags']);
  const tags = check.record(['defaults', 'snapshot', 'tags']);
  if (tags && Object.keys(tags).length > MAX_USER_TAGS) {
    check.error(['defaults', 'snapshot', 'tags'], tooManyTagsMessage(Object.keys(tags).length), 'key');
  }
  const base = check.number(['defaults', 'retry', 'baseDelaySeconds']);
  const max = check.number(['defaults', 'retry', 'maxDelaySeconds']);
  if (base === undefined && max === undefined) return;
  const effectiveBase = base ?? DEFAULT_RETRY.baseDelaySeconds;
  const effectiveMax = max ?? DEFAULT_RETRY.maxDelaySeconds;
  if (effectiveBase > effectiveMax) {
    const key = base !== undefined ? 'baseDelaySeconds' : 'maxDelaySeconds';
    check.error(
      ['defaults', 'retry', key],
      retryMessage(
        effectiveBase,
        base !== undefined ? 'here' : 'built-in default',
        effectiveMax,
        max !== undefined ? 'here' : 'built-in default',
      ),
    );
  }
}

/** Reports a repeated name; true when the name is usable and seen for the first time. */
function checkName(check: Checker, at: PathSegment[], names: Map<string, PathSegment[]>): boolean {
  const path = [...at, 'name'];
  const name = check.string(path);
  if (name === undefined) return false;
  const first = names.get(name);
  if (first) {
    check.error(
      path,
      `expected a unique policy name, found ${quote(name)} again (first used on line ${check.line(first)})`,
    );
    return false;
  }
  names.set(name, path);
  return true;
}

function checkEnabled(check: Checker, at: PathSegment[]): void {
  const path = [...at, 'enabled'];
  if (check.ok(path) && check.source.valueAt(path) === false) {
    check.warn(path, 'the policy is disabled (enabled: false): it takes no snapshots until enabled');
  }
}

/**
 * A `timezone` must be an IANA name ICU knows, written as IANA writes it; the error names the closest valid
 * names. Returns the zone when it is usable.
 */
function checkTimeZone(check: Checker, path: PathSegment[]): string | undefined {
  const zone = check.string(path);
  if (zone === undefined) return undefined;
  const problem = timeZoneProblem(zone);
  if (!problem) return zone;
  const names = problem.suggestions.map((name) => `"${name}"`);
  const guess =
    names.length === 0
      ? ''
      : ` (did you mean ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`}?)`;
  check.error(
    path,
    `expected an IANA time zone name such as Europe/Berlin or America/New_York, found ${quote(zone)}: ` +
      `${problem.reason}${guess}`,
  );
  return undefined;
}

/**
 * Checks a policy's schedule (parsed in `zone`) and returns the shortest interval between its runs in
 * seconds, or `undefined` when it is unusable or never fires again.
 */
function checkSchedule(
  check: Checker,
  at: PathSegment[],
  now: Date,
  zone: string | undefined,
): number | undefined {
  const path = [...at, 'schedule'];
  const expression = check.string(path);
  if (expression === undefined) return undefined;
  let schedule: Schedule;
  try {
    schedule = parseSchedule(expression, zone);
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    check.error(path, error.message);
    return undefined;
  }
  const ownZone = [...at, 'timezone'];
  if (schedule.kind === 'rate' && zone !== undefined && check.string(ownZone) !== undefined) {
    check.warn(
      ownZone,
      `${schedule.expression} fires at fixed intervals whatever the time zone (EventBridge Scheduler counts ` +
        'a day as 24 hours, also across daylight-saving changes): use cron(...) for a local time of day',
    );
  }
  if (nextScheduledTimes(schedule, now, 1).length === 0) {
    check.warn(path, `the schedule never fires after ${now.toISOString()}: all its years are over`);
    return undefined;
  }
  const shortest = shortestIntervalSeconds(schedule, now);
  if (shortest < HOUR_SECONDS) {
    check.warn(
      path,
      `the schedule fires more often than hourly (${every(shortest / 60, 'minute')} at the closest): manual snapshots ` +
        'count against a quota of 100 per Region, shared with RDS and Neptune',
    );
  }
  if (zone !== undefined) checkSkippedRuns(check, path, schedule, zone, now);
  return shortest;
}

/**
 * A zoned schedule whose local time falls into a daylight-saving gap within the next year: EventBridge
 * Scheduler skips that run, so the day has no snapshot. Warned once, for the first such change.
 */
function checkSkippedRuns(
  check: Checker,
  path: PathSegment[],
  schedule: Schedule,
  zone: string,
  now: Date,
): void {
  const until = new Date(now.getTime() + DST_LOOKAHEAD_DAYS * DAY_MS);
  const change = daylightSavingChanges(schedule, now, until).find((c) => c.skipped.length > 0);
  if (!change) return;
  const day = change.skipped[0]?.slice(0, 10) ?? '';
  const times = change.skipped.map((t) => t.slice(11));
  const from = new Date(change.at.getTime() + change.offsetBefore * 60_000).toISOString().slice(11, 16);
  const to = new Date(change.at.getTime() + change.offsetAfter * 60_000).toISOString().slice(11, 16);
  const shown =
    times.length > 3 ? `${times.slice(0, 3).join(', ')} and ${times.length - 3} more` : times.join(', ');
  check.warn(
    path,
    `on ${day} the clocks in ${zone} go from ${from} to ${to} (UTC${formatOffset(change.offsetBefore)} to ` +
      `UTC${formatOffset(change.offsetAfter)}), so ${shown} ${times.length === 1 ? 'does' : 'do'} not exist ` +
      `that day and EventBridge Scheduler skips ${times.length === 1 ? 'that run' : 'those runs'}: choose a ` +
      'time outside the change, or accept the missed run',
  );
}

function checkDuplicateRegions(check: Checker, path: PathSegment[]): void {
  const seen = new Map<string, PathSegment[]>();
  for (const item of check.strings(path)) {
    const first = seen.get(item.value);
    if (first) {
      check.error(
        item.path,
        `expected each Region once, found ${quote(item.value)} again (first on line ${check.line(first)})`,
      );
    } else {
      seen.set(item.value, item.path);
    }
  }
}

function checkRegions(check: Checker, at: PathSegment[]): void {
  const own = [...at, 'regions'];
  checkDuplicateRegions(check, own);
  if (check.source.valueAt(own) !== undefined) return;
  const defaults = check.source.valueAt(['defaults', 'regions']);
  if (defaults === undefined) {
    check.error(
      own,
      'missing required key "regions": expected regions here or defaults.regions, found neither',
      'parent',
    );
  }
}

function checkClusters(check: Checker, at: PathSegment[]): void {
  const clusters = [...at, 'clusters'];
  const selection = check.record(clusters);
  if (!selection) return;
  const identifiers = selection.identifiers;
  const tags = selection.tags;
  const noIdentifiers = identifiers === undefined || (Array.isArray(identifiers) && identifiers.length === 0);
  const noTags = tags === undefined || (isRecord(tags) && Object.keys(tags).length === 0);
  if (noIdentifiers && noTags) {
    check.error(
      clusters,
      'expected clusters to select something: a non-empty identifiers list or tags mapping, found neither',
      'key',
    );
  }
  const listed = new Map<string, PathSegment[]>();
  for (const item of check.strings([...clusters, 'identifiers'])) {
    const id = item.value.toLowerCase();
    const first = listed.get(id);
    if (first) {
      check.warn(item.path, `cluster ${quote(id)} is listed twice (first on line ${check.line(first)})`);
    } else {
      listed.set(id, item.path);
    }
  }
  for (const item of check.strings([...clusters, 'exclude'])) {
    const id = item.value.toLowerCase();
    const selected = listed.get(id);
    if (selected) {
      check.error(
        item.path,
        `expected exclude to name clusters not listed in identifiers, found ${quote(id)}, which identifiers ` +
          `lists on line ${check.line(selected)}: remove it from one of them`,
      );
    }
  }
}

/** A policy's snapshot prefix, where it is set, and the policy's name for messages. */
interface PrefixEntry {
  prefix: string;
  path: PathSegment[];
  policy: string;
  /** Order of registration: collisions are reported in file order. */
  order: number;
}

/**
 * The prefixes seen so far, indexed so that finding the ones a new prefix collides with costs its length,
 * not the number of policies: by exact prefix, and by each "<start>" a prefix extends as "<start>-…".
 */
class PrefixIndex {
  private readonly exact = new Map<string, PrefixEntry[]>();
  private readonly extending = new Map<string, PrefixEntry[]>();
  private count = 0;

  /** Earlier prefixes equal to `prefix`, or one of them followed by "-" and more, in file order. */
  collisions(prefix: string): PrefixEntry[] {
    const found = [...(this.exact.get(prefix) ?? []), ...(this.extending.get(prefix) ?? [])];
    for (const start of hyphenStarts(prefix)) found.push(...(this.exact.get(start) ?? []));
    return found.sort((a, b) => a.order - b.order);
  }

  add(entry: Omit<PrefixEntry, 'order'>): void {
    const indexed = { ...entry, order: this.count++ };
    push(this.exact, entry.prefix, indexed);
    for (const start of hyphenStarts(entry.prefix)) push(this.extending, start, indexed);
  }
}

/** Every `start` such that `prefix` is `start` followed by "-" and more: `a-b-c` → `a`, `a-b`. */
function hyphenStarts(prefix: string): string[] {
  const starts: string[] = [];
  for (let i = prefix.indexOf('-'); i >= 0; i = prefix.indexOf('-', i + 1)) starts.push(prefix.slice(0, i));
  return starts;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function checkPrefix(check: Checker, at: PathSegment[], prefixes: PrefixIndex, uniqueName: boolean): void {
  const name = check.string([...at, 'name']);
  const snapshot = [...at, 'snapshot'];
  const explicit = [...snapshot, 'prefix'];
  let prefix: string | undefined;
  let where: PathSegment[];
  if (check.source.valueAt(explicit) !== undefined) {
    prefix = check.string(explicit);
    where = explicit;
  } else {
    if (name === undefined || !uniqueName) return;
    if (check.source.valueAt(snapshot) !== undefined && !check.ok(snapshot)) return;
    where = [...at, 'name'];
    const issue = SnapshotPrefixSchema.safeParse(name).error?.issues[0];
    if (issue) {
      const length = issue.code === 'too_big' ? ` (${counted(name.length, 'character')})` : '';
      check.error(
        where,
        `the policy name is the snapshot prefix when snapshot.prefix is not set: ${issue.message}, found ` +
          `${quote(name)}${length}; set snapshot.prefix`,
      );
      return;
    }
    prefix = name;
  }
  if (prefix === undefined) return;
  for (const other of prefixes.collisions(prefix)) {
    const otherLine = check.line(other.path);
    if (other.prefix === prefix) {
      check.error(
        where,
        `expected a unique snapshot prefix, found ${quote(prefix)}, already the prefix of policy ` +
          `${quote(other.policy)} (line ${otherLine})`,
      );
    } else {
      const [short, long] =
        prefix.length < other.prefix.length ? [prefix, other.prefix] : [other.prefix, prefix];
      const rest = long.slice(short.length + 1);
      check.error(
        where,
        `expected a snapshot prefix that is not another prefix followed by "-", found ${quote(prefix)} next to ` +
          `${quote(other.prefix)} of policy ${quote(other.policy)} (line ${otherLine}): their snapshot ids can ` +
          `collide ("${short}" for cluster "${rest}-x" and "${long}" for cluster "x" both give "${long}-x-…")`,
      );
    }
  }
  const label = check.source.valueAt([...at, 'name']);
  prefixes.add({ prefix, path: where, policy: typeof label === 'string' ? label : formatPath(at) });
}

function checkTagCount(check: Checker, at: PathSegment[]): void {
  const path = [...at, 'snapshot', 'tags'];
  const own = check.record(path);
  if (!own) return;
  const inherited = check.record(['defaults', 'snapshot', 'tags']) ?? {};
  const count = new Set([...Object.keys(inherited), ...Object.keys(own)]).size;
  if (count > MAX_USER_TAGS) check.error(path, tooManyTagsMessage(count), 'key');
}

function tooManyTagsMessage(count: number): string {
  return (
    `expected at most ${MAX_USER_TAGS} snapshot tags after merging defaults.snapshot.tags (AWS allows ` +
    `${MAX_TAGS_PER_RESOURCE} per snapshot and the service adds ${OWN_TAG_COUNT}), found ${count}`
  );
}

function checkRetry(check: Checker, at: PathSegment[]): void {
  const own = (key: keyof RetrySettings) => check.number([...at, 'retry', key]);
  const inherited = (key: keyof RetrySettings) => check.number(['defaults', 'retry', key]);
  const base = own('baseDelaySeconds');
  const max = own('maxDelaySeconds');
  if (base === undefined && max === undefined) return;
  const origin = (mine: number | undefined, key: 'baseDelaySeconds' | 'maxDelaySeconds') => {
    if (mine !== undefined) return { value: mine, from: 'here' };
    const fromDefaults = inherited(key);
    return fromDefaults !== undefined
      ? { value: fromDefaults, from: 'from defaults.retry' }
      : { value: DEFAULT_RETRY[key], from: 'built-in default' };
  };
  const effectiveBase = origin(base, 'baseDelaySeconds');
  const effectiveMax = origin(max, 'maxDelaySeconds');
  if (effectiveBase.value > effectiveMax.value) {
    const key = base !== undefined ? 'baseDelaySeconds' : 'maxDelaySeconds';
    check.error(
      [...at, 'retry', key],
      retryMessage(effectiveBase.value, effectiveBase.from, effectiveMax.value, effectiveMax.from),
    );
  }
}

function retryMessage(base: number, baseFrom: string, max: number, maxFrom: string): string {
  return `expected baseDelaySeconds to be at most maxDelaySeconds, found ${base} (${baseFrom}) > ${max} (${maxFrom})`;
}
