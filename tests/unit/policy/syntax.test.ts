// Seam: shared/policy/syntax.ts through `validatePolicyFile` — a broken or binary policy file in, one
// problem per real mistake out: at the line and column a person must edit (where a `[` or a quote was
// opened, the key indented wrongly, the tab, the missing `:`), with the line and a caret under the column.
import { describe, expect, it } from 'vitest';
import { formatProblem, type PolicyProblem, validatePolicyFile } from '../../../shared/policy/index.js';

const FILE = 'config/policies.yml';
const NOW = new Date('2025-06-01T00:00:00Z');

/** The file's lines joined; line N of the file is argument N. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

const problemsOf = (text: string) => validatePolicyFile(text, FILE, { now: NOW }).problems;

function onlyProblem(text: string): PolicyProblem {
  const problems = problemsOf(text);
  expect(problems, JSON.stringify(problems, null, 2)).toHaveLength(1);
  return problems[0]!;
}

/** What a broken file must be reported as: position, key path, message, and the excerpt's two lines. */
interface Broken {
  name: string;
  text: string;
  at: string;
  path: string;
  message: string;
  excerpt: [string, string] | undefined;
}

const BROKEN: Broken[] = [
  {
    name: 'an unclosed [ (issue 14: was reported at 6:5, on the next key)',
    text: yaml(
      'version: 1',
      'defaults:',
      '  retry:',
      '    maxAttempts: 3',
      '  regions: [us-east-1',
      'policies:',
      '  - name: nightly',
    ),
    at: '5:12',
    path: 'defaults.regions',
    message: 'YAML: the `[` opened at 5:12 is never closed: add `]` at the end of the list',
    excerpt: ['    5 |   regions: [us-east-1', '      |            ^'],
  },
  {
    name: 'an unclosed [ on the last line, without a line break',
    text: 'version: 1\ndefaults:\n  regions: [us-east-1',
    at: '3:12',
    path: 'defaults.regions',
    message: 'YAML: the `[` opened at 3:12 is never closed: add `]` at the end of the list',
    excerpt: ['    3 |   regions: [us-east-1', '      |            ^'],
  },
  {
    name: 'an unclosed [ over two lines',
    text: yaml('version: 1', 'defaults:', '  regions: [us-east-1,', '    eu-west-1', 'policies: []'),
    at: '3:12',
    path: 'defaults.regions',
    message: 'YAML: the `[` opened at 3:12 is never closed: add `]` at the end of the list',
    excerpt: ['    3 |   regions: [us-east-1,', '      |            ^'],
  },
  {
    name: 'an unclosed {',
    text: yaml('version: 1', 'defaults:', '  snapshot:', '    tags: {team: data', 'policies: []'),
    at: '4:11',
    path: 'defaults.snapshot.tags',
    message: 'YAML: the `{` opened at 4:11 is never closed: add `}` at the end of the mapping',
    excerpt: ['    4 |     tags: {team: data', '      |           ^'],
  },
  {
    name: 'a [ closed by }',
    text: yaml('version: 1', 'defaults:', '  tags: {a: [b, c}', 'policies: []'),
    at: '3:13',
    path: 'defaults.tags.a',
    message: 'YAML: the `[` opened at 3:13 is never closed: add `]` before the `}` at 3:18',
    excerpt: ['    3 |   tags: {a: [b, c}', '      |             ^'],
  },
  {
    name: 'an unterminated "',
    text: yaml('version: 1', 'policies:', '  - name: "nightly', '    schedule: rate(1 day)'),
    at: '3:11',
    path: 'policies[0].name',
    message: 'YAML: the `"` opened at 3:11 is never closed: add `"` at the end of the value',
    excerpt: ['    3 |   - name: "nightly', '      |           ^'],
  },
  {
    name: "an unterminated '",
    text: yaml('version: 1', 'policies:', "  - name: 'nightly", '    schedule: rate(1 day)'),
    at: '3:11',
    path: 'policies[0].name',
    message: "YAML: the `'` opened at 3:11 is never closed: add `'` at the end of the value",
    excerpt: ["    3 |   - name: 'nightly", '      |           ^'],
  },
  {
    name: 'an unterminated " inside a [ (the quote, not the bracket)',
    text: yaml('version: 1', 'defaults:', '  regions: ["us-east-1]', 'policies: []'),
    at: '3:13',
    path: 'defaults.regions[0]',
    message: 'YAML: the `"` opened at 3:13 is never closed: add `"` at the end of the value',
    excerpt: ['    3 |   regions: ["us-east-1]', '      |             ^'],
  },
  {
    name: 'a tab as indentation',
    text: yaml('version: 1', 'defaults:', '\tregions: [us-east-1]', 'policies: []'),
    at: '3:1',
    path: '',
    message: 'YAML: expected spaces for indentation, found a tab: indent with spaces only',
    excerpt: ['    3 | \\u0009regions: [us-east-1]', '      | ^'],
  },
  {
    name: 'a tab after spaces (the parser blames the line start)',
    text: yaml('version: 1', 'policies:', '  - name: a', '  \tschedule: rate(1 day)'),
    at: '4:3',
    path: '',
    message: 'YAML: expected spaces for indentation, found a tab: indent with spaces only',
    excerpt: ['    4 |   \\u0009schedule: rate(1 day)', '      |   ^'],
  },
  {
    name: 'a key indented less than its siblings',
    text: yaml('version: 1', 'defaults:', '  regions: [us-east-1]', ' retry: {}', 'policies: []'),
    at: '4:2',
    path: 'retry',
    message:
      'YAML: the key "retry" at column 2 lines up with nothing above it: line it up with "regions" on line 3 ' +
      '(column 3), or with "defaults" on line 2 (column 1)',
    excerpt: ['    4 |  retry: {}', '      |  ^'],
  },
  {
    name: 'a key indented less than its siblings, after a comment (the parser blames the comment)',
    text: yaml(
      'version: 1',
      'defaults:',
      '  regions: [us-east-1]',
      '  # Retry settings',
      ' retry: {}',
      'policies: []',
    ),
    at: '5:2',
    path: 'retry',
    message:
      'YAML: the key "retry" at column 2 lines up with nothing above it: line it up with "regions" on line 3 ' +
      '(column 3), or with "defaults" on line 2 (column 1)',
    excerpt: ['    5 |  retry: {}', '      |  ^'],
  },
  {
    name: 'a key indented more than the key before it, which has a value',
    text: yaml('version: 1', 'defaults:', '  regions: [us-east-1]', '    retry: {}', 'policies: []'),
    at: '4:5',
    path: 'defaults.retry',
    message:
      'YAML: the key "retry" at column 5 is indented deeper than "regions" on line 3, which already has a ' +
      'value: line it up with "regions" (column 3)',
    excerpt: ['    4 |     retry: {}', '      |     ^'],
  },
  {
    name: 'a key indented more than the key before it in a policy (the parser blames the value above)',
    text: yaml('version: 1', 'policies:', '  - name: nightly', '     schedule: rate(1 day)'),
    at: '4:6',
    path: 'policies[0].schedule',
    message:
      'YAML: the key "schedule" at column 6 is indented deeper than "name" on line 3, which already has a ' +
      'value: line it up with "name" (column 5)',
    excerpt: ['    4 |      schedule: rate(1 day)', '      |      ^'],
  },
  {
    name: 'a list item indented more than the one before it',
    text: yaml('version: 1', 'policies:', '  - name: a', '   - name: b'),
    at: '4:4',
    path: 'policies[1]',
    message:
      'YAML: the list item at column 4 is indented deeper than the `-` on line 3, which already has a value: ' +
      'line it up with the `-` (column 3)',
    excerpt: ['    4 |    - name: b', '      |    ^'],
  },
  {
    name: 'a key given twice',
    text: yaml('version: 1', 'policies: []', 'version: 1'),
    at: '3:1',
    path: 'version',
    message:
      'YAML: expected each key once in a mapping, found "version" again (first on line 1): remove one of them',
    excerpt: ['    3 | version: 1', '      | ^'],
  },
  {
    name: 'a key without its : (it swallows the next line)',
    text: yaml('version: 1', 'defaults', '  regions: [us-east-1]', 'policies: []'),
    at: '2:9',
    path: 'defaults',
    message: 'YAML: the key "defaults" has no `:` after it: write `defaults:`',
    excerpt: ['    2 | defaults', '      |         ^'],
  },
  {
    name: 'a key without its : before its value',
    text: yaml(
      'version: 1',
      'policies:',
      '  - name: nightly',
      '    schedule rate(1 day)',
      '    enabled: true',
    ),
    at: '4:13',
    path: 'schedule',
    message: 'YAML: the key "schedule" has no `:` after it: write `schedule: rate(1 day)`',
    excerpt: ['    4 |     schedule rate(1 day)', '      |             ^'],
  },
  {
    name: 'a key without its : on the last line',
    text: yaml('version: 1', 'policies: []', 'defaults'),
    at: '3:9',
    path: 'defaults',
    message: 'YAML: the key "defaults" has no `:` after it: write `defaults:`',
    excerpt: ['    3 | defaults', '      |         ^'],
  },
  {
    name: 'a stray ]',
    text: yaml('version: 1', 'defaults:', '  regions: [us-east-1]]', 'policies: []'),
    at: '3:23',
    path: '',
    message: 'YAML: the `]` at 3:23 closes nothing (no `[` is open there): remove it',
    excerpt: ['    3 |   regions: [us-east-1]]', '      |                       ^'],
  },
  {
    name: 'a stray } on a line of its own (and nothing after it blamed)',
    text: yaml('version: 1', '}', 'policies: []'),
    at: '2:1',
    path: '',
    message: 'YAML: the `}` at 2:1 closes nothing (no `{` is open there): remove it',
    excerpt: ['    2 | }', '      | ^'],
  },
  {
    name: 'a document that is only a scalar',
    text: yaml('nightly'),
    at: '1:1',
    path: '',
    message: 'expected a mapping with version, defaults and policies, found "nightly"',
    excerpt: ['    1 | nightly', '      | ^'],
  },
  {
    name: 'an empty file (nothing to show)',
    text: '',
    at: '1:1',
    path: '',
    message: 'expected a mapping with version, defaults and policies, found an empty document',
    excerpt: undefined,
  },
];

describe('YAML syntax errors: where the mistake is', () => {
  it.each(BROKEN)('reports $name at $at', ({ text, at, path, message, excerpt }) => {
    const problem = onlyProblem(text);

    expect(`${problem.line}:${problem.column}`).toBe(at);
    expect(problem).toMatchObject({ file: FILE, path, message, severity: 'error' });
    expect(problem.excerpt?.split('\n')).toEqual(excerpt);
    expect(validatePolicyFile(text, FILE, { now: NOW }).policies).toBeUndefined();
  });

  it('names the policy when the mistake is inside one, but not by a name an open quote swallowed', () => {
    const missingColon = BROKEN.find((b) => b.name === 'a key without its : before its value')!;
    const openQuote = BROKEN.find((b) => b.name === 'an unterminated "')!;

    expect(onlyProblem(missingColon.text).policy).toBe('nightly');
    expect(onlyProblem(openQuote.text).policy).toBeUndefined();
  });

  it('reports each of two nested brackets left open, at its own opening', () => {
    const problems = problemsOf(yaml('version: 1', 'defaults:', '  tags: [a, {b: c', 'policies: []'));

    expect(problems.map((p) => [`${p.line}:${p.column}`, p.message])).toEqual([
      ['3:9', 'YAML: the `[` opened at 3:9 is never closed: add `]` at the end of the list'],
      ['3:13', 'YAML: the `{` opened at 3:13 is never closed: add `}` at the end of the mapping'],
    ]);
  });

  it('reports every tab used for indentation, each at its line', () => {
    const problems = problemsOf(
      yaml('version: 1', 'defaults:', '\tregions: [a]', '\tretry: {}', 'policies: []'),
    );

    expect(problems.map((p) => `${p.line}:${p.column}`)).toEqual(['3:1', '4:1']);
  });

  it('prints the excerpt under the problem line, and no excerpt for other problems', () => {
    const [broken] = problemsOf(yaml('version: 1', 'defaults:', '  regions: [us-east-1', 'policies: []'));
    const [plain] = problemsOf('version: 3\npolicies: []\n');

    expect(formatProblem(broken!).split('\n')).toEqual([
      'config/policies.yml:3:12  -  defaults.regions  YAML: the `[` opened at 3:12 is never closed: add `]` ' +
        'at the end of the list',
      '    3 |   regions: [us-east-1',
      '      |            ^',
    ]);
    expect(plain?.excerpt).toBeUndefined();
    expect(formatProblem(plain!)).not.toContain('\n');
  });

  it('cuts a long line around the column and escapes control characters in it', () => {
    const text = yaml(
      'version: 1',
      'defaults:',
      `  description: "${'d'.repeat(200)}\u001b[2J`,
      'policies: []',
    );

    const problem = onlyProblem(text);
    const [shown, caret] = problem.excerpt!.split('\n') as [string, string];

    expect(`${problem.line}:${problem.column}`).toBe('3:16');
    expect(shown).toBe(`    3 |   description: "${'d'.repeat(83)}…`);
    expect(caret.indexOf('^')).toBe(shown.indexOf('"'));
    expect([...problem.excerpt!].every((c) => c === '\n' || c.charCodeAt(0) >= 0x20)).toBe(true);
  });

  it('puts the caret under the column when the line has characters outside the BMP and CRLF endings', () => {
    const problem = onlyProblem('version: 1\r\ndefaults:\r\n  tags:\r\n    "🙂": [a\r\npolicies: []\r\n');

    expect(`${problem.line}:${problem.column}`).toBe('4:11');
    expect(problem.excerpt?.split('\n')).toEqual(['    4 |     "🙂": [a', '      |          ^']);
  });
});

describe('binary files', () => {
  const GZIP = Buffer.from([
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0x28,
    0xcf, 0x2f, 0xca, 0x49, 0xe1, 0x02, 0x00, 0x2d, 0x3b, 0x08, 0xaf, 0x0c, 0x00, 0x00, 0x00,
  ]);
  const PNG = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
    Buffer.from('IHDR'),
    Buffer.alloc(2700, 0xa5),
  ]);

  it.each([
    ['a gzip file', GZIP, /^not a text file \(it looks binary: it starts like gzip data, \d+ NUL bytes, /],
    ['a PNG image', PNG, /^not a text file \(it looks binary: it starts like a PNG image, \d+ NUL bytes, /],
    [
      'control characters without NUL',
      Buffer.from('version: 1\n\u0001\u0002\u0003\u0004\u0005\n'),
      /\(it looks binary: 5 control characters\)/,
    ],
  ])('says %s is not a text file, in one line, without echoing it', (_name, bytes, message) => {
    const problem = onlyProblem(bytes.toString('utf8'));

    expect(problem).toMatchObject({ file: FILE, line: 0, column: 0, path: '', severity: 'error' });
    expect(problem.message).toMatch(message);
    expect(problem.message).toMatch(/\): point --file at the YAML policy file$/);
    expect(problem.message.length).toBeLessThan(200);
    expect(formatProblem(problem)).not.toContain('\n');
    expect(problem.excerpt).toBeUndefined();
  });

  it('counts bytes that are not UTF-8', () => {
    const problem = onlyProblem(Buffer.from([0xff, 0xfe, 0x41, 0xc3, 0x00]).toString('utf8'));

    expect(problem.message).toBe(
      'not a text file (it looks binary: 1 NUL byte, 3 invalid UTF-8 sequences): point --file at the YAML ' +
        'policy file',
    );
  });

  it('accepts text with a few control characters, tabs in values and a byte order mark', () => {
    const text = yaml(
      '\ufeffversion: 1',
      'defaults:',
      '  regions: [us-east-1]',
      'policies:',
      '  - name: nightly',
      '    description: "a\ttab and an escape \\e"',
      '    schedule: rate(1 day)',
      '    clusters: { identifiers: [orders] }',
    );

    expect(problemsOf(text)).toEqual([]);
  });
});
