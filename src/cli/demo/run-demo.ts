/**
 * The demo (DESIGN §4, `npm start`): a line of local nodes as separate processes tells,
 * step by step, the handshake, multi-hop routing, trust propagation and a claim
 * accepted across peers, then the events and the topology. Whatever happens — success,
 * failure or interruption — every node is stopped before it returns, and the temporary
 * data is removed unless `keep` is set.
 */
import { AgentNames } from './agent-names.ts'
import { DEMO_STEP_TIMEOUT_MS } from './constants.ts'
import type { DemoContext } from './demo-context.ts'
import type { DemoOutput } from './demo-output.ts'
import { planDemo } from './demo-plan.ts'
import { DemoCluster } from './node-cluster.ts'
import type { DemoClusterInit } from './node-cluster.ts'
import { showClaim } from './steps/show-claim.ts'
import { showEvents } from './steps/show-events.ts'
import { showHandshakes } from './steps/show-handshakes.ts'
import { showRouting } from './steps/show-routing.ts'
import { showTopology } from './steps/show-topology.ts'
import { showTrust } from './steps/show-trust.ts'
import { startNodes } from './steps/start-nodes.ts'

export interface RunDemoOptions extends DemoClusterInit {
  /** Nodes on the line. */
  nodes: number
  /** Keep the data directories (the nodes are stopped all the same). */
  keep: boolean
  output: DemoOutput
  /** Aborts the demo (SIGINT / SIGTERM); the cleanup still runs. */
  signal: AbortSignal
  /** Told of the cluster as soon as it exists (so an exiting process can kill its nodes). */
  onCluster?: (cluster: DemoCluster) => void
  /** Longest wait of one step. @default DEMO_STEP_TIMEOUT_MS */
  stepTimeoutMs?: number
}

/** What a finished run did. */
export interface DemoSummary {
  /** The temporary directory (gone unless kept). */
  root: string
  /** Node processes started (all stopped). */
  nodeCount: number
  /** The nodes' pids. */
  pids: number[]
}

/** The steps, in order, with their headings (`{nodes}` is the node count). */
const STEPS: ReadonlyArray<readonly [string, (context: DemoContext) => Promise<void>]> = [
  ['{nodes} nodes start, each its own process', startNodes],
  ['Multi-peer handshake', showHandshakes],
  ['Multi-hop routing', showRouting],
  ['Trust propagation', showTrust],
  ['A knowledge claim accepted across peers', showClaim],
  ['Events that matter', showEvents],
  ['Topology', showTopology]
]

/** Runs every step; stops the nodes and removes their data (unless kept) whether it succeeds or not. */
export async function runDemo (options: RunDemoOptions): Promise<DemoSummary> {
  const plan = planDemo(options.nodes)
  const cluster = await DemoCluster.create(options.entry === undefined ? {} : { entry: options.entry })
  options.onCluster?.(cluster)
  const context: DemoContext = {
    plan, cluster, output: options.output, names: new AgentNames(), fingerprints: new Map(), signal: options.signal, stepTimeoutMs: options.stepTimeoutMs ?? DEMO_STEP_TIMEOUT_MS
  }
  try {
    for (const [title, step] of STEPS) {
      options.signal.throwIfAborted()
      options.output.step(title.replace('{nodes}', String(plan.names.length)), STEPS.length)
      await step(context)
    }
  } finally {
    options.output.endProgress()
    await cluster.stop()
    if (!options.keep) await cluster.remove()
  }
  return { root: cluster.root, nodeCount: cluster.nodes.length, pids: cluster.nodes.map((node) => node.pid) }
}
