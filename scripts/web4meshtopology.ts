#!/usr/bin/env node
/** The brief's `web4meshtopology`: `web4mesh topology` under its own name (`node scripts/web4meshtopology.ts --data DIR --format dot`). */
import { runCli } from '../src/cli/main.ts'

process.exitCode = await runCli(['topology', ...process.argv.slice(2)])
