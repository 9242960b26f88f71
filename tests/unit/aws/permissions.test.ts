// Seam: the calls each adapter declares beside its methods (shared/aws/**, `…_CALLS`) against the source
// that sends them, and the caller registry (deploy/functions.ts) against the wiring that creates the
// adapters and the code that calls their methods: a command sent without a declared IAM permission, an
// adapter wired without its calls in the registry, a port method a function calls but is not granted, or
// one it is granted but never calls, fails this test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BACKUP_FUNCTION,
  type Caller,
  callsOf,
  FUNCTIONS,
  type FunctionEntry,
  OPERATOR_CLI,
  RECONCILE_FUNCTION,
  TARGET_ROLE,
} from '../../../deploy/functions.js';
import {
  type CallDeclarations,
  commandName,
  declaredCalls,
  isCallDeclarations,
} from '../../../shared/aws/permissions.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The service-relative POSIX path of a file. */
function rel(path: string): string {
  return relative(ROOT, path).split(sep).join('/');
}

/** The commands a file sends: `new XCommand(` and the SDK paginators `paginateX(`. */
function commandsSentBy(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const sent = new Set<string>();
  for (const match of text.matchAll(/new (\w+Command)\(/g)) sent.add(match[1]!);
  for (const match of text.matchAll(/\bpaginate(\w+)\(/g)) sent.add(`${match[1]}Command`);
  return sent;
}

const ADAPTER_FILES = sourceFiles(join(ROOT, 'shared', 'aws')).filter(
  (file) => !file.endsWith(`${sep}permissions.ts`),
);

/** Each adapter module's declarations, by export name. */
async function declarationsOf(file: string): Promise<Record<string, CallDeclarations>> {
  const module: Record<string, unknown> = await import(pathToFileURL(file).href);
  return Object.fromEntries(
    Object.entries(module).filter((entry): entry is [string, CallDeclarations] =>
      isCallDeclarations(entry[1]),
    ),
  );
}

describe('calls declared beside the adapters’ methods', () => {
  it('declares, in the same module, every command an adapter sends', async () => {
    const undeclared: string[] = [];
    for (const file of ADAPTER_FILES) {
      const declared = new Set(
        Object.values(await declarationsOf(file))
          .flatMap(declaredCalls)
          .map(commandName),
      );
      for (const command of commandsSentBy(file))
        if (!declared.has(command)) undeclared.push(`${rel(file)}: ${command}`);
    }
    expect(undeclared).toEqual([]);
  });

  it('declares nothing the module does not send', async () => {
    const unsent: string[] = [];
    for (const file of ADAPTER_FILES) {
      const sent = commandsSentBy(file);
      for (const [name, declarations] of Object.entries(await declarationsOf(file)))
        for (const call of declaredCalls(declarations))
          if (!sent.has(commandName(call))) unsent.push(`${rel(file)}: ${name} ${commandName(call)}`);
    }
    expect(unsent).toEqual([]);
  });

  it('names a method of the module’s adapter classes with each declaration', async () => {
    const strays: string[] = [];
    for (const file of ADAPTER_FILES) {
      const module: Record<string, unknown> = await import(pathToFileURL(file).href);
      const methods = new Set(
        Object.values(module)
          .filter(
            (value): value is { prototype: object } => typeof value === 'function' && 'prototype' in value,
          )
          .flatMap((cls) => Object.getOwnPropertyNames(cls.prototype)),
      );
      for (const [name, declarations] of Object.entries(await declarationsOf(file)))
        for (const method of Object.keys(declarations))
          if (!methods.has(method)) strays.push(`${rel(file)}: ${name}.${method}`);
    }
    expect(strays).toEqual([]);
  });

  it('sends commands only from the adapters in shared/aws', () => {
    const elsewhere = [...sourceFiles(join(ROOT, 'shared')), ...sourceFiles(join(ROOT, 'functions'))]
      .filter((file) => !ADAPTER_FILES.includes(file))
      .flatMap((file) => [...commandsSentBy(file)].map((command) => `${rel(file)}: ${command}`));

    expect(elsewhere).toEqual([]);
  });

  it('uses no wildcard actions', async () => {
    for (const file of ADAPTER_FILES)
      for (const declarations of Object.values(await declarationsOf(file)))
        for (const call of declaredCalls(declarations))
          for (const action of call.actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
  });
});

describe('the callers’ registry (deploy/functions.ts)', () => {
  const callers: Caller[] = [...FUNCTIONS, OPERATOR_CLI];

  /** The modules a module imports or re-exports for their values (not `import type`), service-relative. */
  function valueImports(module: string): string[] {
    const text = readFileSync(join(ROOT, module), 'utf8');
    const dir = module.split('/').slice(0, -1).join('/');
    return [...text.matchAll(/^(?:import|export)(\s+type\b)?[^;]*?from '(\.[^']+)\.js';/gms)]
      .filter((match) => !match[1])
      .map((match) => rel(join(ROOT, dir, `${match[2]}.ts`)));
  }

  /** The shared/aws modules a wiring module reaches, directly or through other shared/aws modules. */
  function adaptersReachedBy(wiring: string): string[] {
    const reached = new Set<string>();
    const queue = [wiring];
    while (queue.length > 0) {
      for (const module of valueImports(queue.shift()!)) {
        if (!module.startsWith('shared/aws/') || reached.has(module)) continue;
        reached.add(module);
        queue.push(module);
      }
    }
    return [...reached].filter((module) => ADAPTER_FILES.map(rel).includes(module));
  }

  it.each(callers.map((c) => [c.name, c] as const))(
    '%s: lists every adapter module its wiring reaches that declares calls',
    async (_name, caller) => {
      const listed = new Set(caller.uses.map((use) => use.module));
      const missing: string[] = [];
      const reached = adaptersReachedBy(caller.wiring);
      expect(reached).toContain('shared/aws/docdb.ts');
      for (const module of reached) {
        if (Object.keys(await declarationsOf(join(ROOT, module))).length === 0) continue;
        if (!listed.has(module)) missing.push(module);
      }
      expect(missing).toEqual([]);
    },
  );

  it.each([...callers, TARGET_ROLE].map((c) => [c.name, c] as const))(
    '%s: takes each adapter’s declarations from the module it names, and excepts (or keeps for copies) only real methods',
    async (_name, caller) => {
      for (const use of caller.uses) {
        const exported = Object.values(await declarationsOf(join(ROOT, use.module)));
        expect(exported, use.module).toContain(use.declarations);
        const forCopies = use.forCopies === 'all' ? [] : (use.forCopies ?? []);
        for (const method of [...Object.keys(use.except ?? {}), ...forCopies])
          expect(Object.keys(use.declarations), use.module).toContain(method);
      }
    },
  );

  it('makes the target account’s role a part of the reconcile function’s calls, all of them for copies', () => {
    const reconcile = callsOf(RECONCILE_FUNCTION, 'copies');

    expect(callsOf(TARGET_ROLE).length).toBeGreaterThan(0);
    for (const call of callsOf(TARGET_ROLE)) expect(reconcile).toContain(call);
    expect(callsOf(TARGET_ROLE, 'without-copies')).toEqual([]);
  });

  it('documents every action the operator CLI needs in cli/README.md', () => {
    const readme = readFileSync(join(ROOT, 'cli', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## AWS permissions of the operator'));
    const documented = section.slice(0, section.indexOf('\n## ', 1));

    const missing = [...new Set(callsOf(OPERATOR_CLI).flatMap((call) => call.actions))].filter(
      (action) => !documented.includes(`\`${action}\``),
    );

    expect(missing).toEqual([]);
  });

  it('grants the backup function exactly its adapters’ calls but the excepted methods’', () => {
    const calls = callsOf(BACKUP_FUNCTION);
    const docdb = BACKUP_FUNCTION.uses.find((use) => use.module === 'shared/aws/docdb.ts')!;

    for (const method of Object.keys(docdb.except ?? {}))
      for (const call of declaredCalls({ [method]: docdb.declarations[method]! }))
        expect(calls).not.toContain(call);
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('registers the backup and reconcile functions, each with the dead-letter queue', () => {
    expect(FUNCTIONS.map((fn) => [fn.name, fn.deadLetterQueue])).toEqual([
      ['backup', true],
      ['reconcile', true],
    ]);
  });
});

/**
 * What a caller's code calls on the ports (`EngineDeps`: docdb, results, alerts, jobs, events, alerter),
 * read from the source: `deps.jobs.put(`, `ctx.docdb.listTags(`, `docdb.snapshotState(`… in every module
 * the entry point reaches through value imports, shared/aws (the adapters themselves) left out. A module
 * imported only for constants (`PAGE_LEASE_MS`) runs none of its code on the caller's behalf: its calls do
 * not count, nor do its own imports.
 */
describe('the registry against the code that calls the ports', () => {
  // `claims`: a store's page claims as the lifecycle's pager takes them (jobs or copies).
  const PORTS = ['docdb', 'results', 'alerts', 'jobs', 'copies', 'claims', 'events', 'alerter'];
  /** Methods no port exposes: the SDK calls them itself, with why. */
  const INDIRECT: Readonly<Record<string, string>> = {
    assumeRole:
      'the clients of another account call it through their credential provider (shared/aws/sts.ts)',
  };
  const CONSTANT = /^[A-Z][A-Z0-9_]*$/;

  /** A module's value imports, each with whether it takes more than constants from the target. */
  function importsOf(module: string): { target: string; live: boolean }[] {
    const text = readFileSync(join(ROOT, module), 'utf8');
    const dir = module.split('/').slice(0, -1).join('/');
    return [...text.matchAll(/^(?:import|export)(\s+type\b)?\s*([^;]*?)\s*from '(\.[^']+)\.js';/gms)]
      .filter((match) => !match[1])
      .flatMap((match) => {
        const target = relative(ROOT, join(ROOT, dir, `${match[3]}.ts`))
          .split(sep)
          .join('/');
        const braces = /^\{([^}]*)\}$/.exec(match[2]!.trim());
        if (!braces) return [{ target, live: true }]; // `* as x`, `*`, a default import
        const names = braces[1]!
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name && !name.startsWith('type '))
          .map((name) => name.split(/\s+as\s+/)[0]!);
        if (names.length === 0) return [];
        return [{ target, live: names.some((name) => !CONSTANT.test(name)) }];
      });
  }

  /** The modules whose code runs for an entry point (constants-only imports aside), shared/aws excluded. */
  function liveModules(entry: string): string[] {
    const live = new Set([entry]);
    const queue = [entry];
    while (queue.length > 0) {
      for (const { target, live: runs } of importsOf(queue.shift()!)) {
        if (!runs || live.has(target) || target.startsWith('shared/aws/')) continue;
        live.add(target);
        queue.push(target);
      }
    }
    return [...live];
  }

  /** `port.method` of every port call in the modules, with where it is made. */
  function portCalls(modules: readonly string[]): Map<string, string[]> {
    const calls = new Map<string, string[]>();
    const pattern = new RegExp(`\\b(${PORTS.join('|')})\\s*\\.\\s*(\\w+)\\s*\\(`, 'g');
    for (const module of modules)
      for (const match of readFileSync(join(ROOT, module), 'utf8').matchAll(pattern))
        calls.set(match[2]!, [...(calls.get(match[2]!) ?? []), module]);
    return calls;
  }

  /** Every declared method of the caller's adapters, and whether the caller is granted it. */
  function methodsOf(caller: Caller): Map<string, boolean> {
    const methods = new Map<string, boolean>();
    for (const use of caller.uses)
      for (const method of Object.keys(use.declarations))
        methods.set(method, (methods.get(method) ?? false) || !use.except?.[method]);
    return methods;
  }

  const entries: [FunctionEntry, string][] = [
    [BACKUP_FUNCTION, 'functions/backup/handler.ts'],
    [RECONCILE_FUNCTION, 'functions/reconcile/handler.ts'],
  ];

  it('follows an entry point into the code it runs, and not into modules it takes only constants from', () => {
    const reconcile = liveModules('functions/reconcile/handler.ts');

    expect(reconcile).toContain('shared/lifecycle/pass.ts');
    expect(reconcile).toContain('shared/backup/prune.ts');
    expect(reconcile).not.toContain('shared/backup/report.ts');
    expect(liveModules('functions/backup/handler.ts')).toContain('shared/backup/report.ts');
  });

  it.each(entries.map(([fn, entry]) => [fn.name, fn, entry] as const))(
    '%s: is granted every adapter method its code calls',
    (_name, fn, entry) => {
      const methods = methodsOf(fn);
      const ungranted = [...portCalls(liveModules(entry))]
        .filter(([method]) => methods.has(method) && !methods.get(method))
        .map(([method, where]) => `${method} (${[...new Set(where)].join(', ')})`);

      expect(ungranted).toEqual([]);
    },
  );

  it.each(entries.map(([fn, entry]) => [fn.name, fn, entry] as const))(
    '%s: is granted no adapter method its code never calls',
    (_name, fn, entry) => {
      const called = portCalls(liveModules(entry));
      const unused = [...methodsOf(fn)]
        .filter(([method, granted]) => granted && !called.has(method) && !INDIRECT[method])
        .map(([method]) => method);

      expect(unused).toEqual([]);
    },
  );

  it('grants the operator CLI every adapter method its commands call', () => {
    const methods = methodsOf(OPERATOR_CLI);
    const ungranted = [...portCalls(liveModules('cli/main.ts'))]
      .filter(([method]) => methods.has(method) && !methods.get(method))
      .map(([method]) => method);

    expect(ungranted).toEqual([]);
  });

  it('gives the reconcile function no run records or run alert claims, and the backup run no job reads', () => {
    const actionsOf = (caller: Caller, only?: 'copies' | 'without-copies') =>
      new Set(callsOf(caller, only).map(commandName));

    expect(actionsOf(RECONCILE_FUNCTION)).not.toContain('BatchWriteItemCommand');
    expect(actionsOf(RECONCILE_FUNCTION)).not.toContain('GetItemCommand');
    expect(actionsOf(RECONCILE_FUNCTION)).toContain('QueryCommand');
    expect(actionsOf(BACKUP_FUNCTION, 'without-copies')).not.toContain('QueryCommand');
    // With copies, one read: its policy's open copies, whose sources its retention must keep.
    const copyReads = callsOf(BACKUP_FUNCTION, 'copies').filter(
      (call) => commandName(call) === 'QueryCommand',
    );
    expect(copyReads.map((call) => call.why)).toEqual([expect.stringContaining('copy jobs of a policy')]);
  });
});
