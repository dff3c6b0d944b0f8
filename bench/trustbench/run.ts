/**
 * TrustBench v1 (TRUSTBENCH.md): runs a tier or one cell against real mesh nodes and
 * prints one JSON line per cell, then the summary with PASS/FAIL per target. Exits 1 on
 * any hard-invariant failure or missed "must" target, 2 on a usage error.
 *
 * @example
 * ```sh
 * node bench/trustbench/run.ts --tier quick
 * node bench/trustbench/run.ts --scenario S2 --n 25 --m 0.2 --seed 3 --rounds 40
 * ```
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { Worker } from 'node:worker_threads'
import { runCell } from './cell.ts'
import { formatSummary } from './report.ts'
import type { CellResult } from './result.ts'
import { defaultRounds, fullTier, isScenario, quickTier } from './scenarios.ts'
import type { CellSpec } from './scenarios.ts'
import { evaluateTargets, groupResults } from './targets.ts'
import type { WorkerReply, WorkerRequest } from './worker.ts'

const USAGE = `usage: node bench/trustbench/run.ts [--tier quick|full] [--scenario S0..S7 --n N --m M --f F --seed S --rounds R --sparse] [--workers K] [--json FILE]`

/** The cells a command line asks for. @throws {RangeError} on a bad option */
export function cellsOf (values: Record<string, string | boolean | undefined>): { cells: CellSpec[], isPooled: boolean } {
  const scenario = values.scenario
  if (typeof scenario !== 'string') {
    const tier = values.tier ?? 'quick'
    if (tier !== 'quick' && tier !== 'full') throw new RangeError(`Cannot run TrustBench: --tier must be quick or full, got "${String(tier)}"`)
    return { cells: tier === 'quick' ? quickTier() : fullTier(), isPooled: tier === 'quick' }
  }
  if (!isScenario(scenario)) throw new RangeError(`Cannot run TrustBench: unknown scenario "${scenario}"`)
  const number = (name: string, fallback: number): number => {
    const text = values[name]
    if (typeof text !== 'string') return fallback
    const value = Number(text)
    if (!Number.isFinite(value)) throw new RangeError(`Cannot run TrustBench: --${name} must be a number, got "${text}"`)
    return value
  }
  const cell: CellSpec = {
    scenario,
    n: number('n', 25),
    m: number('m', scenario === 'S0' ? 0 : 0.2),
    f: number('f', scenario === 'S3' ? 0.5 : 0),
    seed: number('seed', 1),
    rounds: number('rounds', defaultRounds(scenario)),
    ...(values.sparse === true ? { sparse: true } : {})
  }
  return { cells: [cell], isPooled: false }
}

/** Runs `cells` on `workers` threads (in this thread when 1), largest first; results in cell order. */
export async function runCells (cells: readonly CellSpec[], workers: number): Promise<CellResult[]> {
  const results: CellResult[] = new Array<CellResult>(cells.length)
  if (workers <= 1 || cells.length === 1) {
    for (const [index, spec] of cells.entries()) results[index] = await runCell(spec)
    return results
  }
  const queue = cells.map((spec, index) => ({ spec, index })).sort((a, b) => weightOf(b.spec) - weightOf(a.spec))
  await Promise.all(Array.from({ length: Math.min(workers, cells.length) }, async () => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url))
    await new Promise<void>((resolve, reject) => {
      const next = (): void => {
        const job = queue.shift()
        worker.postMessage((job === undefined ? { kind: 'stop' } : { kind: 'run', ...job }) satisfies WorkerRequest)
      }
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'error') {
          reject(new Error(`Cell ${reply.index} failed: ${reply.message}`))
          return
        }
        if (reply.kind === 'result') results[reply.index] = reply.result
        next()
      })
      worker.on('error', reject)
      worker.on('exit', () => { resolve() })
    }).finally(async () => { await worker.terminate() })
  }))
  return results
}

/** A rough cost of a cell, to start the largest first. */
function weightOf (spec: CellSpec): number {
  const identities = spec.n + (spec.scenario === 'S5' || spec.scenario === 'S5L' ? spec.n : 0)
  return identities * identities * spec.rounds
}

async function main (): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    values = parseArgs({
      options: {
        tier: { type: 'string' }, scenario: { type: 'string' }, n: { type: 'string' }, m: { type: 'string' }, f: { type: 'string' },
        seed: { type: 'string' }, rounds: { type: 'string' }, sparse: { type: 'boolean' }, workers: { type: 'string' }, json: { type: 'string' }
      }
    }).values
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  let plan: ReturnType<typeof cellsOf>
  try {
    plan = cellsOf(values)
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`)
    return 2
  }
  const workers = typeof values.workers === 'string' ? Number(values.workers) : 2
  const startedMs = performance.now()
  const results = await runCells(plan.cells, Number.isFinite(workers) && workers >= 1 ? workers : 2)
  const wallMs = performance.now() - startedMs
  const lines = results.map((result) => JSON.stringify(result))
  for (const line of lines) console.log(line)
  if (typeof values.json === 'string') writeFileSync(values.json, `${lines.join('\n')}\n`)
  const groups = groupResults(results, plan.isPooled)
  const summary = formatSummary(results, groups, evaluateTargets(groups), wallMs)
  console.log(`\n${summary.text}`)
  return summary.isPass ? 0 : 1
}

if (import.meta.main) process.exitCode = await main()
