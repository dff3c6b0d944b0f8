/** Runs the `web4mesh` CLI from source as a child process (E2E tests, STYLE §17). */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Path of the CLI entry point in the source tree. */
export const CLI_PATH = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))

/** What a CLI run printed and how it exited. */
export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `web4mesh ...args` with optional stdin; gives up after `timeoutMs`. */
export async function runCli (args: readonly string[], options: { input?: string | Uint8Array, timeoutMs?: number, env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs ?? 20_000
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  child.stdin.on('error', () => { /* the CLI may exit before reading all input */ })
  child.stdin.end(options.input ?? '')
  const code = await new Promise<number | null>((resolve) => { child.on('close', resolve) })
  return { code, stdout, stderr }
}
