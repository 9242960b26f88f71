/** The bench's table: one row per figure, next to its floor or bound, with the target and PASS/FAIL. */
export type Verdict = 'PASS' | 'FAIL' | 'info';

export interface Row {
  figure: string;
  measured: string;
  spread: string;
  bound: string;
  ratio: string;
  target: string;
  result: Verdict;
}

const HEADERS: Row = {
  figure: 'figure',
  measured: 'measured (median)',
  spread: 'spread',
  bound: 'floor / bound',
  ratio: 'ratio',
  target: 'target',
  result: 'result' as Verdict,
};
const COLUMNS = Object.keys(HEADERS) as (keyof Row)[];

export function verdict(ok: boolean): Verdict {
  return ok ? 'PASS' : 'FAIL';
}

/** A plain-text table for the terminal. */
export function textTable(rows: readonly Row[]): string {
  const widths = COLUMNS.map((c) => Math.max(...[HEADERS, ...rows].map((r) => r[c].length)));
  const line = (r: Row) =>
    COLUMNS.map((c, i) => r[c].padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table in Markdown. */
export function markdownTable(rows: readonly Row[]): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  return [
    `| ${COLUMNS.map((c) => HEADERS[c]).join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...rows.map(
      (r) =>
        `| ${COLUMNS.map((c) => cell(c === 'result' && r[c] !== 'info' ? `**${r[c]}**` : r[c])).join(' | ')} |`,
    ),
  ].join('\n');
}
