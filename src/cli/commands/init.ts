/** `web4mesh init --data DIR --agent-id NAME`: create identity and config (DESIGN §4). */
import type { Command } from 'commander'
import { DEFAULT_DATA_DIR } from '../../config/constants.ts'
import { initDataDir } from '../../config/data-dir.ts'
import { isAgentId } from '../../config/node-config.ts'
import { CliError, USAGE_EXIT_CODE } from '../cli-error.ts'
import { printJson } from '../output.ts'

/** Registers `init` on `program`. */
export function registerInit (program: Command): void {
  program.command('init')
    .description('create an identity (Ed25519 key) and config in the data directory')
    .option('--data <dir>', 'data directory', DEFAULT_DATA_DIR)
    .requiredOption('--agent-id <name>', 'human-chosen agent name (letters, digits, . _ @ -)')
    .option('--json', 'print JSON')
    .action(async (options: { data: string, agentId: string, json?: boolean }) => {
      if (!isAgentId(options.agentId)) throw new CliError(`Cannot initialise: agent id "${options.agentId}" must be 1–128 letters, digits, ".", "_", "@" or "-"`, USAGE_EXIT_CODE)
      const dataDir = await initDataDir(options.data, options.agentId)
      const summary = { agent_id: dataDir.config.agent_id, fingerprint: dataDir.identity.fingerprint, pubkey: dataDir.identity.pubkey, data: dataDir.path }
      if (options.json === true) printJson(summary)
      else process.stdout.write(`agent_id     ${summary.agent_id}\nfingerprint  ${summary.fingerprint}\ndata         ${summary.data}\n`)
    })
}
