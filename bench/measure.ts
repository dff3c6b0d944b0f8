/**
 * Rate measurement for benchmarks (DESIGN §5): each case runs in short alternating
 * slices against its baseline, so both see the same machine state, and the median
 * rate over the slices is reported. Never a pass/fail timing.
 */
import { cpus, platform, release } from 'node:os'

/** One benchmark row. */
export interface BenchRow {
  name: string
  /** Operations per second of the case. */
  rate: number
  /** Operations per second of the baseline, measured in the same run. */
  baselineRate?: number
  baselineName?: string
  /** rate / baselineRate. */
  ratio?: number
  /** The target the ratio is held to, if any (reported, never enforced). */
  target?: number
  /** True when a ratio below the target is the good side (latencies, memory). */
  isLowerBetter?: boolean
  unit?: string
}

/** Operations per second of `fn`, run for about `sliceMs`. */
function rateOf (fn: () => void, sliceMs: number): number {
  let count = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < sliceMs) {
    for (let i = 0; i < 50; i++) fn()
    count += 50
    elapsed = performance.now() - start
  }
  return (count * 1000) / elapsed
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

/** Compares `subject` against `baseline` in alternating slices and returns the row. */
export function compareRates (
  name: string,
  subject: () => void,
  baseline: { name: string, fn: () => void },
  options: { slices?: number, sliceMs?: number, target?: number } = {}
): BenchRow {
  const slices = options.slices ?? 7
  const sliceMs = options.sliceMs ?? 250
  rateOf(subject, 100)
  rateOf(baseline.fn, 100)
  const subjectRates: number[] = []
  const baselineRates: number[] = []
  for (let i = 0; i < slices; i++) {
    baselineRates.push(rateOf(baseline.fn, sliceMs))
    subjectRates.push(rateOf(subject, sliceMs))
  }
  const rate = median(subjectRates)
  const baselineRate = median(baselineRates)
  return {
    name,
    rate,
    baselineName: baseline.name,
    baselineRate,
    ratio: rate / baselineRate,
    ...(options.target === undefined ? {} : { target: options.target }),
    unit: 'ops/s'
  }
}

/** One line naming the machine the figures come from. */
export function describeMachine (): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  return `${cpu}, ${cpus().length} cores, ${platform()} ${release()}, Node ${process.version}`
}

/** The rows as a fixed-width table. */
export function formatTable (rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'rate', 'baseline', 'baseline rate', 'ratio', 'target']
  const lines = rows.map((row) => {
    const isMissed = row.ratio !== undefined && row.target !== undefined && (row.isLowerBetter === true ? row.ratio > row.target : row.ratio < row.target)
    return [
      row.name,
      `${formatFigure(row.rate)} ${row.unit ?? ''}`.trim(),
      row.baselineName ?? '—',
      row.baselineRate === undefined ? '—' : formatFigure(row.baselineRate),
      row.ratio === undefined ? '—' : row.ratio.toFixed(2),
      row.target === undefined ? '—' : `${row.isLowerBetter === true ? '≤' : '≥'} ${row.target.toFixed(2)}${isMissed ? ' (missed)' : ''}`
    ]
  })
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i]?.length ?? 0)))
  const format = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n')
}

/** Large figures as grouped integers, small ones with three significant digits. */
function formatFigure (value: number): string {
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3)
}
