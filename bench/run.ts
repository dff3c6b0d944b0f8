/**
 * `npm run bench`: one table of every ratio and figure, each ratio with its baseline
 * measured in the same run, and the machine named. Reports; never fails on a timing.
 * `--json` prints the rows as JSON instead.
 */
import { runEnvelopeBench } from './envelope.bench.ts'
import { describeMachine, formatTable } from './measure.ts'
import { runTransportBench } from './transport.bench.ts'

const rows = [...runEnvelopeBench(), ...await runTransportBench(), ...await (await import('./routing.bench.ts')).runRoutingBench()]
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ machine: describeMachine(), date: new Date().toISOString(), rows }, null, 2))
} else {
  console.log(`web4-mesh benchmarks — ${new Date().toISOString()}`)
  console.log(`machine: ${describeMachine()}; single-threaded (one core)`)
  console.log('')
  console.log(formatTable(rows))
}
