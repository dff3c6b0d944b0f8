/**
 * `web4mesh demo [--nodes N] [--keep]` (DESIGN §4; what `npm start` runs): a line of
 * local nodes, each a `web4mesh start` process on 127.0.0.1 with ephemeral ports and a
 * temporary data directory, shows the handshake, multi-hop routing, trust propagation
 * and a claim accepted across peers, then the events and the topology. The nodes are
 * stopped and their data removed on success, on failure and on SIGINT / SIGTERM (exit
 * 130 / 143).
 */
import type { Command } from 'commander'
import { CliError, USAGE_EXIT_CODE } from '../cli-error.ts'
import { DEMO_DEFAULT_NODES, DEMO_MAX_NODES, DEMO_MIN_NODES, DEMO_STOP_GRACE_MS, SIGINT_EXIT_CODE, SIGTERM_EXIT_CODE } from '../demo/constants.ts'
import { DemoOutput } from '../demo/demo-output.ts'
import type { DemoCluster } from '../demo/node-cluster.ts'
import { runDemo } from '../demo/run-demo.ts'

interface DemoOptions {
  nodes: string
  keep?: boolean
}

const HELP_AFTER = `
What it shows, step by step (with the time since it began):
  1. the nodes start: ann – bob – cat – dan – eve on a line, each its own process
  2. multi-peer handshake: every link, then every node meets every node across the mesh
  3. multi-hop routing: ann sends an INTENT to eve through its admin API; the receipt tells the hops
  4. trust propagation: ann pins bob and dan as roots; they introduce nodes ann has no link to (probing)
  5. a claim eve proposes, confirmed by bob and dan, held for the challenge window, accepted at ann
  6. the events that matter (GET /v1/events)
  7. the topology as ann knows it

Everything runs on 127.0.0.1 (ephemeral ports, admin API on port 0) with data under the
OS temp directory. The nodes are stopped (SIGTERM, then SIGKILL after ${DEMO_STOP_GRACE_MS / 1000} s) and the
data removed on success, on failure and on Ctrl-C. Exit 0 on success; ${SIGINT_EXIT_CODE} after SIGINT,
${SIGTERM_EXIT_CODE} after SIGTERM; non-zero with one line on stderr when a step fails (1 when it times out).`

/** Registers `demo` on `program`. */
export function registerDemo (program: Command): void {
  program.command('demo')
    .description('run a mesh of local nodes and show handshake, multi-hop routing, trust propagation and a claim accepted across peers (what "npm start" runs)')
    .option('--nodes <n>', `nodes on the line, ${DEMO_MIN_NODES}…${DEMO_MAX_NODES}`, String(DEMO_DEFAULT_NODES))
    .option('--keep', 'keep the nodes\' data directories (databases, node.log) and print where')
    .addHelpText('after', HELP_AFTER)
    .action(async (options: DemoOptions) => { await runDemoCommand(options) })
}

async function runDemoCommand (options: DemoOptions): Promise<void> {
  const nodes = Number(options.nodes)
  if (!/^[0-9]+$/.test(options.nodes) || nodes < DEMO_MIN_NODES || nodes > DEMO_MAX_NODES) {
    throw new CliError(`Cannot read --nodes: "${options.nodes}" is not an integer in ${DEMO_MIN_NODES}…${DEMO_MAX_NODES}`, USAGE_EXIT_CODE)
  }
  const isKept = options.keep === true
  const output = new DemoOutput(process.stdout)
  const controller = new AbortController()
  let cluster: DemoCluster | undefined
  let interruptedBy: NodeJS.Signals | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    // A second signal while cleaning up: no more grace.
    if (interruptedBy !== undefined) {
      cluster?.killNow()
      return
    }
    interruptedBy = signal
    controller.abort(new CliError(`Interrupted by ${signal}`))
  }
  // Last resort if the process exits without the cleanup below: nothing may be left running.
  const onExit = (): void => {
    cluster?.killNow()
    if (!isKept) cluster?.removeNow()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('exit', onExit)
  try {
    const summary = await runDemo({ nodes, keep: isKept, output, signal: controller.signal, onCluster: (created) => { cluster = created } })
    output.finish(`done: stopped ${summary.nodeCount} nodes (pids ${summary.pids.join(', ')}); ${isKept ? `kept their data in ${summary.root}` : `removed ${summary.root}`}`)
  } catch (err) {
    if (interruptedBy === undefined) throw err
    const where = cluster === undefined ? '' : isKept ? `; kept their data in ${cluster.root}` : `; removed ${cluster.root}`
    throw new CliError(`Interrupted by ${interruptedBy}: stopped ${cluster?.nodes.length ?? 0} nodes${where}`, interruptedBy === 'SIGINT' ? SIGINT_EXIT_CODE : SIGTERM_EXIT_CODE)
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    process.off('exit', onExit)
  }
}
