// Seam: the declared AWS calls (shared/aws/permissions.ts) against the source that makes them: a command
// sent anywhere in product code without a declared IAM permission fails this test.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_CALLS } from '../../../shared/aws/permissions.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function commandsSent(): Set<string> {
  const sent = new Set<string>();
  for (const file of [...sourceFiles(join(ROOT, 'shared')), ...sourceFiles(join(ROOT, 'functions'))]) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/new (\w+Command)\(/g)) sent.add(match[1]!);
    for (const match of text.matchAll(/\bpaginate(\w+)\(/g)) sent.add(`${match[1]}Command`);
  }
  return sent;
}

describe('declared permissions', () => {
  it('declares every command the product code sends', () => {
    const declared = new Set(AWS_CALLS.map((call) => call.command));
    const undeclared = [...commandsSent()].filter((command) => !declared.has(command));
    expect(undeclared).toEqual([]);
  });

  it('declares nothing the code does not send', () => {
    const sent = commandsSent();
    expect(AWS_CALLS.map((call) => call.command).filter((command) => !sent.has(command))).toEqual([]);
  });

  it('uses no wildcard actions', () => {
    for (const call of AWS_CALLS)
      for (const action of call.actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
  });
});
