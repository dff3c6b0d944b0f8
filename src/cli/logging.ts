/** The CLI's logger: pino JSON lines, adapted to the logger port. */
import { pino } from 'pino'
import type { Logger } from '../observability/logger.ts'

/** Log levels `--log-level` accepts. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

/** A pino logger writing JSON lines to stdout. */
export function createPinoLogger (level: LogLevel): Logger {
  return adapt(pino({ level, base: { pid: process.pid } }))
}

function adapt (logger: pino.Logger): Logger {
  return {
    debug: (fields, message) => { logger.debug(fields, message) },
    info: (fields, message) => { logger.info(fields, message) },
    warn: (fields, message) => { logger.warn(fields, message) },
    error: (fields, message) => { logger.error(fields, message) },
    child: (bindings) => adapt(logger.child(bindings))
  }
}
