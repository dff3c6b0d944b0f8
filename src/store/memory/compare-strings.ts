/**
 * Code-unit order: the order SQLite's BINARY collation gives ASCII keys (fingerprints
 * are hex), so the memory stores list in the same order as the SQLite ones.
 */
export function compareStrings (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
