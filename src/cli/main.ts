#!/usr/bin/env node
/**
 * The `web4mesh` command (DESIGN §4). Every subcommand has `--help`; failures print one
 * line on stderr and exit with the code of the error table.
 */
import { Command, CommanderError } from 'commander'
import packageJson from '../../package.json' with { type: 'json' }
import { exitCodeOf, formatErrorLine, USAGE_EXIT_CODE } from './cli-error.ts'
import { registerClaim } from './commands/claim.ts'
import { registerDemo } from './commands/demo.ts'
import { registerEnvelope } from './commands/envelope.ts'
import { registerInit } from './commands/init.ts'
import { registerInspect } from './commands/inspect.ts'
import { registerSend } from './commands/send.ts'
import { registerStart } from './commands/start.ts'
import { registerTopology } from './commands/topology.ts'
import { registerTrust } from './commands/trust.ts'

/** The program with every command registered. */
export function createProgram (): Command {
  const program = new Command('web4mesh')
    .description('web4-mesh: a trust-aware mesh runtime for cognitive agents')
    .version(packageJson.version)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
  registerInit(program)
  registerStart(program)
  registerInspect(program)
  registerTopology(program)
  registerSend(program)
  registerClaim(program)
  registerTrust(program)
  registerEnvelope(program)
  registerDemo(program)
  return program
}

/** Runs the CLI on `argv` and returns the exit code. */
export async function runCli (argv: readonly string[]): Promise<number> {
  const program = createProgram()
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed help, the version or the usage message.
      return err.exitCode === 0 ? 0 : USAGE_EXIT_CODE
    }
    process.stderr.write(`${formatErrorLine(err)}\n`)
    return exitCodeOf(err)
  }
}

if (import.meta.main) {
  process.exitCode = await runCli(process.argv.slice(2))
}
