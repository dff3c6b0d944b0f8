/**
 * `web4mesh topology --data DIR --format ascii|json|netjson|dot|mermaid` (DESIGN §4): the
 * whole mesh as the running node knows it. The node answers its SPEC §13 graph
 * (`GET /v1/topology`) and the CLI renders it with the same formatter as the API.
 */
import { Option } from 'commander'
import type { Command } from 'commander'
import { DEFAULT_DATA_DIR } from '../../config/constants.ts'
import { formatTopology, TOPOLOGY_FORMATS } from '../../mesh/observability/index.ts'
import type { TopologyFormat, TopologyGraph } from '../../mesh/observability/index.ts'
import { connectToNode } from '../admin-client.ts'

interface TopologyOptions {
  data: string
  format: TopologyFormat
  json?: boolean
}

/** Registers `topology` on `program`. */
export function registerTopology (program: Command): void {
  program.command('topology')
    .description('print the mesh as the running node knows it (nodes, links, RTT, trust)')
    .option('--data <dir>', 'data directory of the running node', DEFAULT_DATA_DIR)
    .addOption(new Option('--format <format>', 'output format').choices(TOPOLOGY_FORMATS).default('ascii'))
    .option('--json', 'same as --format json')
    .action(async (options: TopologyOptions) => {
      const client = await connectToNode(options.data)
      const graph = await client.get('/v1/topology?format=json') as TopologyGraph
      process.stdout.write(formatTopology(graph, options.json === true ? 'json' : options.format))
    })
}
