/**
 * DESIGN §1: the packed package works where Node refuses to strip types — pack it,
 * install the tarball into a fresh folder, run `web4mesh --help` there and import it.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const repo = fileURLToPath(new URL('../..', import.meta.url))
const root = await mkdtemp(join(tmpdir(), 'web4mesh-pack-'))
after(async () => { await rm(root, { recursive: true, force: true }) })

describe('the packed package', { timeout: 240_000 }, () => {
  it('installs from its tarball, runs web4mesh --help and imports', async () => {
    await run('npm', ['pack', '--silent', '--pack-destination', root], { cwd: repo, timeout: 120_000 })
    const tarball = (await readdir(root)).find((name) => name.endsWith('.tgz'))
    assert.ok(tarball !== undefined, 'npm pack wrote no tarball')

    const app = join(root, 'app')
    await run('mkdir', ['-p', app])
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }))
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(root, tarball)], { cwd: app, timeout: 120_000 })

    const help = await run(join(app, 'node_modules', '.bin', 'web4mesh'), ['--help'], { cwd: app })
    assert.match(help.stdout, /Usage: web4mesh/)
    assert.match(help.stdout, /envelope/)

    const probe = [
      'import * as mesh from \'web4-mesh\'',
      'import * as protocol from \'web4-mesh/protocol\'',
      'const id = protocol.generateKeyPairIdentity()',
      'console.log(JSON.stringify({ root: Object.keys(mesh).sort(), fingerprint: id.fingerprint, open: typeof protocol.openEnvelope }))'
    ].join('\n')
    const imported = await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: app })
    const result = JSON.parse(imported.stdout) as { root: string[], fingerprint: string, open: string }
    assert.ok(result.root.includes('openEnvelope') && result.root.includes('sealEnvelope'), `root exports: ${result.root.join(', ')}`)
    assert.match(result.fingerprint, /^[0-9a-f]{64}$/)
    assert.equal(result.open, 'function')
  })

  it('runs as `npx web4mesh` inside the repository, as the README shows (the built entry is executable)', async () => {
    const help = await run('npx', ['--no-install', 'web4mesh', '--help'], { cwd: repo, timeout: 60_000 })
    assert.match(help.stdout, /Usage: web4mesh/)
    assert.match(help.stdout, /demo/)
  })
})
