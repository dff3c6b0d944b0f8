/**
 * The summary of a run (TRUSTBENCH §3.8): per group, every target with its value and
 * PASS/FAIL at the "excellent" and "must" levels, the hard invariants, and the runtime.
 */
import { invariantFailures } from './targets.ts'
import type { TargetCheck } from './targets.ts'
import { INVARIANTS } from './invariants.ts'
import type { CellResult } from './result.ts'

function mark (verdict: boolean | undefined): string {
  return verdict === undefined ? '—' : verdict ? 'PASS' : 'FAIL'
}

function table (rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? []
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n')
}

/** The targets table. */
export function formatTargets (checks: readonly TargetCheck[]): string {
  const rows = [['group', 'target', 'value', 'excellent', 'must']]
  for (const check of checks) rows.push([check.group, check.target, check.value, mark(check.excellent), mark(check.must)])
  return table(rows)
}

/** The hard invariants per group: PASS, FAIL (with the failing cells counted) or — where not scored. */
export function formatInvariants (groups: ReadonlyMap<string, readonly CellResult[]>): string {
  const rows = [['group', ...INVARIANTS]]
  for (const [group, cells] of groups) {
    rows.push([group, ...INVARIANTS.map((id) => {
      const scored = cells.filter((cell) => cell.detail.invariants[id].applies)
      if (scored.length === 0) return '—'
      const failed = scored.filter((cell) => !cell.detail.invariants[id].pass).length
      return failed === 0 ? 'PASS' : `FAIL×${failed}`
    })])
  }
  return table(rows)
}

/** The whole summary, and whether the run passed (no invariant broken, no "must" missed). */
export function formatSummary (results: readonly CellResult[], groups: ReadonlyMap<string, readonly CellResult[]>, checks: readonly TargetCheck[], wallMs: number): { text: string, isPass: boolean } {
  const failures = invariantFailures(results)
  const missed = checks.filter((check) => check.must === false)
  const excellent = checks.filter((check) => check.excellent !== undefined)
  const cpuMs = results.reduce((total, result) => total + result.wall_ms, 0)
  const lines = [
    'TrustBench v1 — targets (TRUSTBENCH §3.7)',
    formatTargets(checks),
    '',
    'Hard invariants (zero tolerance, every cell)',
    formatInvariants(groups),
    ''
  ]
  if (failures.length > 0) lines.push('Invariant failures:', ...failures.map((line) => `  ${line}`), '')
  lines.push(
    `cells ${results.length}; wall ${(wallMs / 1000).toFixed(1)} s (excellent ≤ 30 s: ${mark(wallMs <= 30_000)}); cell time summed ${(cpuMs / 1000).toFixed(1)} s`,
    `deliveries ${results.reduce((total, result) => total + result.deliveries, 0)}; envelopes ${results.reduce((total, result) => total + result.envelopes, 0)}`,
    `targets: ${excellent.filter((check) => check.excellent === true).length}/${excellent.length} excellent, ${checks.filter((check) => check.must === true).length}/${checks.filter((check) => check.must !== undefined).length} must; invariant failures ${failures.length}`,
    failures.length === 0 && missed.length === 0 ? 'RESULT: PASS' : `RESULT: FAIL (${failures.length} invariant failures, ${missed.length} "must" targets missed)`
  )
  return { text: lines.join('\n'), isPass: failures.length === 0 && missed.length === 0 }
}
