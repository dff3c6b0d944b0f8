/**
 * Soak (issue #7 item 5, the long tier; `npm run soak`): the CI load test's mesh — five
 * `web4mesh start` processes in a line, 40 routed INTENTs a second from each to random
 * others — for 10 minutes (`LOAD_DURATION_S` to change it). Prints each minute as it
 * settles, then the full report with memory growth (RSS and V8 heap, first sample to last,
 * per node) and event-loop delay p99 per node; writes it to `.tmp/soak-report.txt`. Exits
 * 1 on any loss, duplicate, misdelivery, untyped failure or unread event — timings and
 * memory are reported, never judged.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { stopAllProcesses } from '../helpers/node-process.ts'
import { formatReport, runLoad, startLoadMesh, verdictOf } from './load-driver.ts'
import type { LoadReport } from './load-driver.ts'

const DURATION_S = Number(process.env.LOAD_DURATION_S ?? 600)
const REPORT_FILE = join(import.meta.dirname, '..', '..', '.tmp', 'soak-report.txt')

function print (line: string): void {
  process.stdout.write(`${line}\n`)
}

/** One line each for memory growth and event-loop delay over the whole mesh. */
function summaryOf (report: LoadReport): string[] {
  const worst = (values: number[]): number => Math.max(...values.filter(Number.isFinite))
  const rssGrowth = report.perNode.map((node) => node.rssMiB.end - node.rssMiB.start)
  const heapGrowth = report.perNode.map((node) => node.heapUsedMiB.end - node.heapUsedMiB.start)
  const minutes = report.durationMs / 60_000
  return [
    `memory growth over ${minutes.toFixed(1)} min: RSS largest +${worst(rssGrowth).toFixed(1)} MiB (${(worst(rssGrowth) / minutes).toFixed(2)} MiB/min), V8 heap used largest +${worst(heapGrowth).toFixed(1)} MiB`,
    `event-loop delay p99: median interval across nodes ${worst(report.perNode.map((node) => node.eventLoopDelayP99Ms.median)).toFixed(1)} ms, worst interval ${worst(report.perNode.map((node) => node.eventLoopDelayP99Ms.max)).toFixed(1)} ms`
  ]
}

async function main (): Promise<number> {
  print(`soak: 5 node processes in a line, 200 routed envelopes/s for ${DURATION_S} s`)
  const mesh = await startLoadMesh({ nodes: 5, topology: 'line' })
  try {
    const report = await runLoad(mesh, {
      durationMs: DURATION_S * 1000,
      onMinute: (minute) => {
        print(`minute ${minute.minute}: sent ${minute.sent}, acknowledged ${minute.acknowledged}, errors ${minute.errors}, latency p50 ${minute.latencyMs.p50.toFixed(1)} / p95 ${minute.latencyMs.p95.toFixed(1)} / p99 ${minute.latencyMs.p99.toFixed(1)} ms`)
      }
    })
    const text = [formatReport(report), ...summaryOf(report)].join('\n')
    print(text)
    await mkdir(join(REPORT_FILE, '..'), { recursive: true })
    await writeFile(REPORT_FILE, `${new Date().toISOString()}\n${text}\n${JSON.stringify(report)}\n`)
    const problems = verdictOf(report)
    for (const problem of problems) print(`FAIL: ${problem}`)
    print(problems.length === 0 ? 'soak: pass' : 'soak: fail')
    return problems.length === 0 ? 0 : 1
  } finally {
    await mesh.stop()
    await stopAllProcesses()
  }
}

process.exitCode = await main()
