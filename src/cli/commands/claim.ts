/**
 * `web4mesh claim propose|confirm|challenge|list --data DIR …` (DESIGN §4, SPEC §7):
 * knowledge claims through the running node's admin API. `propose` prints the claim id;
 * `confirm` and `challenge` take a claim id or a unique prefix of one (as `list` shows);
 * `list` prints a table, or the API's JSON with `--json`.
 */
import type { Command } from 'commander'
import { DEFAULT_DATA_DIR } from '../../config/constants.ts'
import { CHALLENGE_REASONS } from '../../protocol/envelope/types.ts'
import { ERROR_TABLE } from '../../protocol/errors.ts'
import { CLAIM_STATUSES } from '../../runtime/knowledge/types.ts'
import { connectToNode } from '../admin-client.ts'
import type { AdminClient } from '../admin-client.ts'
import { CliError, USAGE_EXIT_CODE } from '../cli-error.ts'
import { printJson } from '../output.ts'
import { formatTable } from '../table.ts'

/** Confidence of a proposed fact unless `--confidence` says otherwise. */
export const DEFAULT_PROPOSE_CONFIDENCE = 0.9
/** Shortest claim id prefix `confirm` and `challenge` resolve. */
export const MIN_CLAIM_PREFIX_CHARS = 4

/** One claim as `GET /v1/claims` lists it (the members the CLI reads). */
export interface ClaimJson {
  id: string
  statement: string
  domain: string
  proposer: string
  proposer_agent_id: string | null
  status: string
  trusted_confirmers: number
  trusted_challengers: number
}

interface ProposeOptions { data: string, statement: string, domain: string, confidence: string, source?: string[], context?: string, json?: boolean }
interface VerdictOptions { data: string, confidence?: string, reason?: string, notes?: string, json?: boolean }
interface ListOptions { data: string, status?: string, json?: boolean }

/** Registers `claim propose|confirm|challenge|list` on `program`. */
export function registerClaim (program: Command): void {
  const claim = program.command('claim').description('knowledge claims: propose, confirm, challenge, list (SPEC §7)')

  claim.command('propose')
    .description('propose a fact to the whole mesh and print its claim id')
    .option('--data <dir>', 'data directory of the running node', DEFAULT_DATA_DIR)
    .requiredOption('--statement <text>', 'the fact, in words')
    .requiredOption('--domain <name>', 'its domain (the claim id covers statement and domain)')
    .option('--confidence <0..1>', 'how sure this node is', String(DEFAULT_PROPOSE_CONFIDENCE))
    .option('--source <uri>', 'a source URI (repeat for several)', (uri: string, all: string[] | undefined) => [...(all ?? []), uri])
    .option('--context <text>', 'context of the claim')
    .option('--json', 'print JSON')
    .action(async (options: ProposeOptions) => {
      const fact = {
        statement: nonEmpty('--statement', options.statement),
        domain: nonEmpty('--domain', options.domain),
        confidence: unitInterval('--confidence', options.confidence),
        sources: options.source ?? [],
        context: options.context ?? ''
      }
      const client = await connectToNode(options.data)
      const answer = await client.post('/v1/claims', { fact }) as { claim_id: string }
      if (options.json === true) printJson(answer)
      else process.stdout.write(`${answer.claim_id}\n`)
    })

  claim.command('confirm')
    .description('confirm a claim this node verified (its own verification counts once)')
    .argument('<claim-id>', 'claim id, or a unique prefix of one')
    .option('--data <dir>', 'data directory of the running node', DEFAULT_DATA_DIR)
    .option('--confidence <0..1>', 'how sure this node is', '1')
    .option('--notes <text>', 'notes sent with the confirmation')
    .option('--json', 'print JSON')
    .action(async (claimId: string, options: VerdictOptions) => {
      const body = { confidence: unitInterval('--confidence', options.confidence ?? '1'), ...(options.notes === undefined ? {} : { notes: options.notes }) }
      await giveVerdict('confirm', claimId, body, options)
    })

  claim.command('challenge')
    .description('challenge a claim this node found wrong or could not verify')
    .argument('<claim-id>', 'claim id, or a unique prefix of one')
    .option('--data <dir>', 'data directory of the running node', DEFAULT_DATA_DIR)
    .option('--reason <reason>', `why: ${CHALLENGE_REASONS.join('|')}`, 'conflict')
    .option('--notes <text>', 'notes sent with the challenge')
    .option('--json', 'print JSON')
    .action(async (claimId: string, options: VerdictOptions) => {
      const reason = options.reason ?? 'conflict'
      if (!(CHALLENGE_REASONS as readonly string[]).includes(reason)) {
        throw new CliError(`Cannot read --reason: "${reason}" is not one of ${CHALLENGE_REASONS.join(', ')}`, USAGE_EXIT_CODE)
      }
      await giveVerdict('challenge', claimId, { reason, ...(options.notes === undefined ? {} : { notes: options.notes }) }, options)
    })

  claim.command('list')
    .description('list the claims this node knows, with their status')
    .option('--data <dir>', 'data directory of the running node', DEFAULT_DATA_DIR)
    .option('--status <status>', `only claims in this status: ${CLAIM_STATUSES.join('|')}`)
    .option('--json', 'print JSON')
    .action(async (options: ListOptions) => {
      const status = options.status
      if (status !== undefined && !(CLAIM_STATUSES as readonly string[]).includes(status)) {
        throw new CliError(`Cannot read --status: "${status}" is not one of ${CLAIM_STATUSES.join(', ')}`, USAGE_EXIT_CODE)
      }
      const client = await connectToNode(options.data)
      const claims = await client.get(`/v1/claims${status === undefined ? '' : `?status=${status}`}`) as ClaimJson[]
      if (options.json === true) printJson(claims)
      else process.stdout.write(renderClaims(claims))
    })
}

/** Claims as a table for people: short id, status, domain, statement, proposer. */
export function renderClaims (claims: readonly ClaimJson[]): string {
  return formatTable(['id', 'status', 'domain', 'statement', 'proposer'], claims.map((claim) => [
    claim.id.slice(0, 12), claim.status, truncate(claim.domain, 24), truncate(claim.statement, 60),
    claim.proposer_agent_id ?? `${claim.proposer.slice(0, 12)}…`
  ]))
}

async function giveVerdict (kind: 'confirm' | 'challenge', claimId: string, body: Record<string, unknown>, options: VerdictOptions): Promise<void> {
  const text = claimId.toLowerCase()
  if (!new RegExp(`^[0-9a-f]{${MIN_CLAIM_PREFIX_CHARS},64}$`).test(text)) {
    throw new CliError(`Cannot read claim id "${claimId}": give the id or a prefix of at least ${MIN_CLAIM_PREFIX_CHARS} hex digits`, USAGE_EXIT_CODE)
  }
  const client = await connectToNode(options.data)
  const id = text.length === 64 ? text : await resolvePrefix(client, text)
  const answer = await client.post(`/v1/claims/${id}/${kind}`, body) as { claim_id: string, status: string | null }
  if (options.json === true) printJson(answer)
  else process.stdout.write(`${kind === 'confirm' ? 'confirmed' : 'challenged'} ${answer.claim_id} (status now ${answer.status ?? 'unknown'})\n`)
}

/** The one claim whose id starts with `prefix`. */
async function resolvePrefix (client: AdminClient, prefix: string): Promise<string> {
  const matches = (await client.get('/v1/claims') as ClaimJson[]).filter((claim) => claim.id.startsWith(prefix))
  const [first] = matches
  if (first === undefined) throw new CliError(`Cannot find claim "${prefix}": no claim id here starts with it`, ERROR_TABLE.InvalidEnvelopeError.exitCode)
  if (matches.length > 1) throw new CliError(`Cannot find claim "${prefix}": ${matches.length} claim ids start with it; give more digits`, USAGE_EXIT_CODE)
  return first.id
}

function nonEmpty (name: string, text: string): string {
  if (text.trim() === '') throw new CliError(`Cannot read ${name}: it is empty`, USAGE_EXIT_CODE)
  return text
}

function unitInterval (name: string, text: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new CliError(`Cannot read ${name}: "${text}" is not a number in 0..1`, USAGE_EXIT_CODE)
  return value
}

function truncate (text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
