/**
 * `web4mesh send --data DIR --to AGENT_ID|FINGERPRINT --type TYPE --payload JSON` (DESIGN
 * §4): routes one envelope through the running node and prints its receipt — the hops it
 * took and the round trip.
 */
import type { Command } from 'commander'
import { DEFAULT_DATA_DIR } from '../../config/constants.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import { connectToNode } from '../admin-client.ts'
import { CliError, USAGE_EXIT_CODE } from '../cli-error.ts'
import { printJson } from '../output.ts'

interface SendOptions {
  data: string
  to: string
  type: string
  payload: string
  human?: string
  source?: string
  timeoutMs?: string
  json?: boolean
}

/** Registers `send` on `program`. */
export function registerSend (program: Command): void {
  program.command('send')
    .description('route one envelope to a node of the mesh and print the receipt')
    .option('--data <dir>', 'data directory of the running node', DEFAULT_DATA_DIR)
    .requiredOption('--to <agent-id|fingerprint>', 'destination')
    .requiredOption('--type <type>', 'message type: a CIP, HCP or LIP type, or SERVICE_INVOKE')
    .requiredOption('--payload <json>', 'the payload, as JSON')
    .option('--human <json>', 'HCP human state block, as JSON')
    .option('--source <json>', 'LIP source block, as JSON')
    .option('--timeout-ms <ms>', 'how long to wait for the receipt', '10000')
    .option('--json', 'print JSON')
    .action(async (options: SendOptions) => {
      const request = {
        to: options.to,
        type: options.type,
        payload: jsonOption('--payload', options.payload),
        ...(options.human === undefined ? {} : { human: jsonOption('--human', options.human) }),
        ...(options.source === undefined ? {} : { source: jsonOption('--source', options.source) }),
        timeout_ms: integerOption('--timeout-ms', options.timeoutMs ?? '10000')
      }
      const client = await connectToNode(options.data)
      const receipt = await client.post('/v1/messages', request) as { to: string, hops: string[], rtt_ms: number, result?: unknown }
      if (options.json === true) {
        printJson(receipt)
        return
      }
      const names = new Map<string, string>()
      try {
        for (const route of await client.get('/v1/routes') as Array<{ destination: string, agent_id: string | null }>) {
          if (route.agent_id !== null) names.set(route.destination, route.agent_id)
        }
      } catch { /* names are a nicety */ }
      const hop = (fingerprint: string): string => names.get(fingerprint) ?? `${fingerprint.slice(0, 12)}…`
      process.stdout.write(`delivered to ${hop(receipt.to)} in ${receipt.rtt_ms.toFixed(1)} ms via ${receipt.hops.map(hop).join(' → ')}\n`)
      if (receipt.result !== undefined) process.stdout.write(`result ${JSON.stringify(receipt.result)}\n`)
    })
}

function jsonOption (name: string, text: string): unknown {
  try {
    return parseJson(text)
  } catch (err) {
    throw new CliError(`Cannot read ${name}: ${(err as Error).message}`, USAGE_EXIT_CODE)
  }
}

function integerOption (name: string, text: string): number {
  const value = Number(text)
  if (!Number.isSafeInteger(value) || value < 1) throw new CliError(`Cannot read ${name}: "${text}" is not a positive integer`, USAGE_EXIT_CODE)
  return value
}
