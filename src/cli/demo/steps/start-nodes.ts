/**
 * Step 1: every node gets a data directory (as `web4mesh init`) and runs as its own
 * `web4mesh start` process, in waves from the middle of the line outwards so each one
 * dials a neighbour that is already listening. The observer pins its roots (`--trust`).
 */
import { formatTable } from '../../table.ts'
import { fingerprintOf } from '../demo-context.ts'
import type { DemoContext } from '../demo-context.ts'
import type { DemoNodeProcess } from '../node-process.ts'

/** Creates and starts every node of the plan; prints who runs where. */
export async function startNodes (context: DemoContext): Promise<void> {
  const { plan, cluster, output, names, fingerprints } = context
  output.say(`data directories under ${cluster.root}`)
  for (const name of plan.names) {
    const fingerprint = await cluster.init(name)
    fingerprints.set(name, fingerprint)
    names.add(fingerprint, name)
  }
  let readyCount = 0
  for (const wave of plan.waves) {
    const nodes = wave.map((name) => cluster.spawn(name, {
      peers: dialTarget(context, name),
      trust: name === plan.observer ? plan.roots.map((root) => fingerprintOf(context, root)) : []
    }))
    output.progress('waiting for nodes to start', readyCount, plan.names.length)
    await Promise.all(nodes.map(async (node) => {
      await node.ready({ signal: context.signal })
      readyCount += 1
      output.progress('waiting for nodes to start', readyCount, plan.names.length)
    }))
  }
  output.endProgress()
  output.say(formatTable(['agent', 'pid', 'fingerprint', 'libp2p', 'admin api', 'dials', 'pins as trusted'], plan.names.map((name) => {
    const node = cluster.node(name)
    return [name, node.pid, fingerprintOf(context, name).slice(0, 12), hostPort(localAddress(node)), node.info.admin_url.replace(/^http:\/\//, ''), plan.dials.get(name), name === plan.observer ? plan.roots.join(', ') : null]
  })))
}

/** The address `name` dials: its neighbour's loopback multiaddr (none for the first wave). */
function dialTarget (context: DemoContext, name: string): string[] {
  const neighbour = context.plan.dials.get(name)
  return neighbour === undefined ? [] : [localAddress(context.cluster.node(neighbour))]
}

/** `127.0.0.1:4701` of `/ip4/127.0.0.1/tcp/4701/p2p/…`. */
function hostPort (multiaddr: string): string {
  const [, host, port] = /^\/ip[46]\/([^/]+)\/tcp\/(\d+)/.exec(multiaddr) ?? []
  return host === undefined || port === undefined ? multiaddr : `${host}:${port}`
}

function localAddress (node: DemoNodeProcess): string {
  const { multiaddrs } = node.info
  return multiaddrs.find((address) => address.startsWith('/ip4/127.0.0.1/')) ?? multiaddrs[0] ?? ''
}
