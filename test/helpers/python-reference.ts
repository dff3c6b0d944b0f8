/**
 * Client for the Python reference (`test/interop/reference.py`, SPEC §3 "reference
 * Python form"): one `python3` process per client, JSON-lines commands in, answers out
 * in the same order. The ops are documented at the top of reference.py.
 *
 * @example
 * ```ts
 * const python = startPythonReference()
 * const [answer] = await python.batch([{ op: 'canonical', text: '[1.0]' }])
 * answer?.canonical // '[1.0]'
 * await python.close()
 * ```
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/** The path of the reference script. */
export const REFERENCE_SCRIPT = join(import.meta.dirname, '..', 'interop', 'reference.py')

/** One command; `op` names it, the other members are its arguments. */
export interface ReferenceCommand {
  op: 'canonical' | 'repr_float' | 'keygen' | 'sign' | 'verify'
  [argument: string]: unknown
}

/** One answer: `ok`, and a `reason` code when not ok; the op's results otherwise. */
export interface ReferenceAnswer {
  ok: boolean
  reason?: string
  error?: string
  canonical?: string
  repr?: string
  private_pem?: string
  pubkey?: string
  fingerprint?: string
  envelope?: Record<string, unknown>
  envelope_text?: string
  signed_text?: string
}

/** A running reference process. */
export interface PythonReference {
  /** Sends the commands at once; resolves with their answers, in order. */
  batch: (commands: readonly ReferenceCommand[]) => Promise<ReferenceAnswer[]>
  /** One command. */
  call: (command: ReferenceCommand) => Promise<ReferenceAnswer>
  /** Ends the process; resolves once it has exited. */
  close: () => Promise<void>
}

interface Pending {
  resolve: (answer: ReferenceAnswer) => void
  reject: (err: Error) => void
}

/** Spawns `python3 test/interop/reference.py`. */
export function startPythonReference (): PythonReference {
  const child = spawn('python3', [REFERENCE_SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] })
  const pending: Pending[] = []
  let failure: Error | undefined
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => {
      fail(new Error('Python reference exited'))
      resolve()
    })
  })

  function fail (err: Error): void {
    failure ??= err
    for (const waiter of pending.splice(0)) waiter.reject(failure)
  }

  child.once('error', fail)
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = pending.shift()
    if (waiter === undefined) return
    try {
      waiter.resolve(JSON.parse(line) as ReferenceAnswer)
    } catch (err) {
      waiter.reject(err as Error)
    }
  })

  function batch (commands: readonly ReferenceCommand[]): Promise<ReferenceAnswer[]> {
    if (failure !== undefined) return Promise.reject(failure)
    const answers = commands.map((): Promise<ReferenceAnswer> => new Promise((resolve, reject) => {
      pending.push({ resolve, reject })
    }))
    // JSON.stringify escapes CR and LF (and lone surrogates), so each command is one line.
    child.stdin.write(commands.map((command) => JSON.stringify(command) + '\n').join(''))
    return Promise.all(answers)
  }

  return {
    batch,
    call: async (command) => (await batch([command]))[0]!,
    close: async () => {
      child.stdin.end()
      await exited
    }
  }
}
