/**
 * Reading AWS Query (form-encoded) parameters: scalars, lists (`Tags.Tag.1.Key`, `TagKeys.member.1`)
 * and maps (`MessageAttributes.entry.1.Name`), as the SDK's Query serializer writes them.
 */
import { invalidParameterValue, missingParameter } from './errors.js';

export class QueryParams {
  private constructor(private readonly values: ReadonlyMap<string, string>) {}

  /** Parses a form-encoded body (plus any query-string parameters). */
  static parse(body: string, search?: URLSearchParams): QueryParams {
    const values = new Map<string, string>();
    for (const [key, value] of search ?? []) values.set(key, value);
    for (const [key, value] of new URLSearchParams(body)) values.set(key, value);
    return new QueryParams(values);
  }

  /** Every parameter name as it arrived, e.g. `['Action', 'Version', 'Tags.Tag.1.Key', …]`. */
  names(): string[] {
    return [...this.values.keys()];
  }

  string(name: string): string | undefined {
    return this.values.get(name);
  }

  required(name: string): string {
    const value = this.values.get(name);
    if (value === undefined || value === '') throw missingParameter(name);
    return value;
  }

  int(name: string): number | undefined {
    const raw = this.values.get(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value)) throw invalidParameterValue(`Invalid value ${raw} for ${name}`);
    return value;
  }

  bool(name: string): boolean | undefined {
    const raw = this.values.get(name);
    return raw === undefined ? undefined : raw === 'true';
  }

  /** Elements of a list of strings, e.g. `list('TagKeys', 'member')` reads `TagKeys.member.N`. */
  list(name: string, member = 'member'): string[] {
    const prefix = `${name}.${member}.`;
    return this.indices(prefix).flatMap((i) => {
      const value = this.values.get(`${prefix}${i}`);
      return value === undefined ? [] : [value];
    });
  }

  /** Elements of a list of structures, each as its own QueryParams, e.g. `structs('Filters', 'Filter')`. */
  structs(name: string, member = 'member'): QueryParams[] {
    const prefix = `${name}.${member}.`;
    return this.indices(prefix).map((i) => this.sub(`${prefix}${i}`));
  }

  /** Entries of a map, e.g. `entries('MessageAttributes', 'Name', 'Value')`: keys with their value structure. */
  entries(name: string, keyName = 'key', valueName = 'value'): Array<[string, QueryParams]> {
    return this.structs(name, 'entry').flatMap((entry) => {
      const key = entry.string(keyName);
      return key === undefined ? [] : [[key, entry.sub(valueName)] as [string, QueryParams]];
    });
  }

  /** The parameters under `prefix.` with the prefix removed. */
  sub(prefix: string): QueryParams {
    const values = new Map<string, string>();
    const start = `${prefix}.`;
    for (const [key, value] of this.values) {
      if (key.startsWith(start)) values.set(key.slice(start.length), value);
      else if (key === prefix) values.set('', value);
    }
    return new QueryParams(values);
  }

  /** The sorted numeric indices N of keys `prefixN` or `prefixN.…`. */
  private indices(prefix: string): number[] {
    const found = new Set<number>();
    for (const key of this.values.keys()) {
      if (!key.startsWith(prefix)) continue;
      const index = Number.parseInt(key.slice(prefix.length), 10);
      if (Number.isInteger(index) && index > 0) found.add(index);
    }
    return [...found].sort((a, b) => a - b);
  }
}

/** Tags from `Tags.Tag.N.Key`/`.Value` (DocumentDB) or `Tags.member.N.Key`/`.Value` (SNS), in request order. */
export function readTags(params: QueryParams, member: string): Array<[string, string]> {
  return params.structs('Tags', member).map((tag) => [tag.string('Key') ?? '', tag.string('Value') ?? '']);
}
