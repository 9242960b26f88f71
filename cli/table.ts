/**
 * Aligned plain-text tables: columns as wide as their widest cell (colour does not count), two spaces
 * between columns, no padding after the last one. Pure.
 */
import { createStyle, type Style, visibleWidth } from './style.js';

export interface Column {
  header: string;
  /** Numbers read better right-aligned. Default `left`. */
  align?: 'left' | 'right';
}

export interface TableOptions {
  /** Put before every line, e.g. two spaces under a heading. */
  indent?: string;
  /** Headers are dimmed when the style is enabled. */
  style?: Style;
  /** Leave out the header line. */
  noHeader?: boolean;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const room = Math.max(0, width - visibleWidth(text));
  return align === 'right' ? `${' '.repeat(room)}${text}` : `${text}${' '.repeat(room)}`;
}

/**
 * Renders rows under headers, one string per line.
 * Example: `renderTable([{ header: 'REGION' }, { header: 'CLUSTER' }], [['us-east-1', 'orders']])`
 *   → `['REGION     CLUSTER', 'us-east-1  orders']`
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly string[][],
  options: TableOptions = {},
): string[] {
  const style = options.style ?? createStyle(false);
  const indent = options.indent ?? '';
  const widths = columns.map((column, i) =>
    Math.max(
      options.noHeader ? 0 : visibleWidth(column.header),
      ...rows.map((row) => visibleWidth(row[i] ?? '')),
    ),
  );
  const line = (cells: readonly string[]) => {
    const last = columns.length - 1;
    const text = columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const align = column.align ?? 'left';
        return i === last && align === 'left' ? cell : pad(cell, widths[i] ?? 0, align);
      })
      .join('  ');
    return `${indent}${text}`.trimEnd();
  };
  const header = options.noHeader ? [] : [style.dim(line(columns.map((c) => c.header)))];
  return [...header, ...rows.map(line)];
}
