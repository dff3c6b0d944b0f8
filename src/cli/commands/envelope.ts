/**
 * `web4mesh envelope sign|verify|validate [FILE|-]`: offline tools over one JSON
 * envelope (DESIGN §4).
 */
import type { Command } from 'commander'
import { DEFAULT_DATA_DIR } from '../../config/constants.ts'
import { loadDataDir } from '../../config/data-dir.ts'
import { systemClock } from '../../config/clock.ts'
import { canonicalize } from '../../protocol/canonical-json.ts'
import { MAX_ENVELOPE_BYTES } from '../../protocol/constants.ts'
import { openEnvelope } from '../../protocol/envelope/open.ts'
import { validateEnvelope } from '../../protocol/envelope/validate.ts'
import type { Envelope } from '../../protocol/envelope/types.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import { readInput } from '../read-input.ts'
import { printJson } from '../output.ts'
import { completeEnvelope } from './complete-envelope.ts'

/** Registers `envelope sign|verify|validate` on `program`. */
export function registerEnvelope (program: Command): void {
  const envelope = program.command('envelope').description('offline tools over one JSON envelope')

  envelope.command('sign')
    .description('fill in sender, msg_id and timestamp when missing, sign with the node key, print the envelope')
    .argument('[file]', 'envelope JSON file, or - for stdin', '-')
    .option('--data <dir>', 'data directory holding the signing identity', DEFAULT_DATA_DIR)
    .option('--pretty', 'indent the output (the signature covers the canonical form either way)')
    .action(async (file: string, options: { data: string, pretty?: boolean }) => {
      const dataDir = await loadDataDir(options.data)
      const value = parseJson(await readInput(file, MAX_ENVELOPE_BYTES), { maxBytes: MAX_ENVELOPE_BYTES })
      const sealed = completeEnvelope(value, { identity: dataDir.identity, agentId: dataDir.config.agent_id }, { nowMs: systemClock.now() })
      process.stdout.write(`${options.pretty === true ? JSON.stringify(sealed, null, 2) : canonicalize(sealed)}\n`)
    })

  envelope.command('verify')
    .description('check schema, fingerprint, timestamp window and signature; exit 0 when valid')
    .argument('[file]', 'envelope JSON file, or - for stdin', '-')
    .option('--ignore-time', 'skip the ±120 s timestamp window (archived envelopes)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { ignoreTime?: boolean, json?: boolean }) => {
      const bytes = await readInput(file, MAX_ENVELOPE_BYTES)
      const opened = openEnvelope(bytes, {
        nowMs: systemClock.now(),
        ...(options.ignoreTime === true ? { skewMs: Number.POSITIVE_INFINITY } : {})
      })
      report('valid', opened, options.json === true)
    })

  envelope.command('validate')
    .description('check the envelope against its JSON Schema only (no signature or time checks)')
    .argument('[file]', 'envelope JSON file, or - for stdin', '-')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const value = parseJson(await readInput(file, MAX_ENVELOPE_BYTES), { maxBytes: MAX_ENVELOPE_BYTES })
      report('schema-valid', validateEnvelope(value), options.json === true)
    })
}

function report (verdict: string, envelope: Envelope, isJson: boolean): void {
  const protocol = 'mesh' in envelope ? 'mesh' : 'cip' in envelope ? 'cip' : 'hcp' in envelope ? 'hcp' : 'lip'
  const summary = {
    verdict,
    protocol,
    type: envelope.type,
    msg_id: envelope.msg_id,
    sender: { agent_id: envelope.sender.agent_id, fingerprint: envelope.sender.fingerprint }
  }
  if (isJson) printJson(summary)
  else process.stdout.write(`${verdict}: ${protocol} ${envelope.type} ${envelope.msg_id} from ${envelope.sender.agent_id} (${envelope.sender.fingerprint})\n`)
}
