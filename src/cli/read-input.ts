/** Reads a command's input from a file or `-` (stdin), with a size cap. */
import { open } from 'node:fs/promises'
import { MAX_MESSAGE_BYTES } from '../protocol/constants.ts'
import { CliError } from './cli-error.ts'

/**
 * The bytes of `source` (`-` for stdin), at most `maxBytes + 1` of them so the intake
 * can refuse oversized input without reading it all.
 */
export async function readInput (source: string, maxBytes: number = MAX_MESSAGE_BYTES): Promise<Uint8Array> {
  if (source === '-') return readStream(process.stdin, maxBytes)
  let handle
  try {
    handle = await open(source, 'r')
  } catch (err) {
    throw new CliError(`Cannot read "${source}": ${(err as NodeJS.ErrnoException).code ?? 'error'}`)
  }
  try {
    const buffer = Buffer.alloc(maxBytes + 1)
    let length = 0
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    return buffer.subarray(0, length)
  } finally {
    await handle.close()
  }
}

async function readStream (stream: NodeJS.ReadableStream, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let length = 0
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    chunks.push(bytes)
    length += bytes.length
    if (length > maxBytes) break
  }
  return Buffer.concat(chunks).subarray(0, maxBytes + 1)
}
