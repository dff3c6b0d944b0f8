/**
 * How the CLI fails: one line on stderr and an exit code from the error table
 * (protocol/errors.ts). Usage errors exit 2.
 */
import { isWeb4Error, reportError } from '../protocol/errors.ts'

/** Exit code of a command-line usage error. */
export const USAGE_EXIT_CODE = 2

/** A failure the CLI reports with its own exit code (usage, missing node, …). */
export class CliError extends Error {
  override readonly name = 'CliError'
  readonly exitCode: number

  constructor (message: string, exitCode = 1) {
    super(message)
    this.exitCode = exitCode
  }
}

/** The one stderr line for `err`: `web4mesh: <ErrorName>: <message>` for typed errors. */
export function formatErrorLine (err: unknown): string {
  if (isWeb4Error(err)) return `web4mesh: ${err.name}: ${firstLine(err.message)} (reason: ${err.reason})`
  if (err instanceof Error) return `web4mesh: ${firstLine(err.message)}`
  return `web4mesh: ${String(err)}`
}

/** The exit code for `err`. */
export function exitCodeOf (err: unknown): number {
  if (err instanceof CliError) return err.exitCode
  if (err instanceof RangeError) return USAGE_EXIT_CODE
  return reportError(err).exitCode
}

function firstLine (text: string): string {
  return text.split('\n', 1)[0] ?? ''
}
