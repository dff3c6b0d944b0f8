/** Step 7: the mesh as the observer knows it (SPEC §13), drawn as `web4mesh topology --format ascii` draws it. */
import { formatTopology } from '../../../mesh/observability/index.ts'
import type { TopologyGraph } from '../../../mesh/observability/index.ts'
import type { DemoContext } from '../demo-context.ts'

/** Prints the observer's topology in ASCII. */
export async function showTopology (context: DemoContext): Promise<void> {
  const graph = await context.cluster.node(context.plan.observer).request('/v1/topology?format=json', { signal: context.signal }) as TopologyGraph
  context.output.say(formatTopology(graph, 'ascii'))
}
