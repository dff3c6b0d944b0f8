/** Plain-text tables for people (`inspect`): a header row in capitals, columns padded to their widest cell, two spaces apart. */

/** One cell; null and undefined print as `-`. */
export type TableCell = string | number | null | undefined

export interface TableOptions {
  /** Headers of the columns to right-align besides the all-number ones (figures given as text). @default none */
  rightAligned?: readonly string[]
}

/**
 * `rows` under `headers` as aligned text, one line each, ending in a newline, with no
 * trailing spaces. Columns of numbers and the `rightAligned` ones are right-aligned;
 * control characters print as `?`.
 */
export function formatTable (headers: readonly string[], rows: ReadonlyArray<readonly TableCell[]>, options: TableOptions = {}): string {
  const cells = rows.map((row) => headers.map((_, index) => cellText(row[index])))
  const isRight = headers.map((header, index) => (options.rightAligned ?? []).includes(header)
    || (rows.some((row) => typeof row[index] === 'number') && rows.every((row) => typeof row[index] === 'number' || row[index] === null || row[index] === undefined)))
  const widths = headers.map((header, index) => Math.max(header.length, ...cells.map((row) => row[index]?.length ?? 0)))
  const line = (row: readonly string[]): string => row
    .map((text, index) => isRight[index] === true ? text.padStart(widths[index] ?? 0) : text.padEnd(widths[index] ?? 0))
    .join('  ')
    .trimEnd()
  return `${[line(headers.map((header) => header.toUpperCase())), ...cells.map(line)].join('\n')}\n`
}

function cellText (cell: TableCell): string {
  if (cell === null || cell === undefined) return '-'
  return String(cell).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '?')
}
