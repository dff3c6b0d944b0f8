// DemoOutput: headings with elapsed time, indented lines, progress in place on a terminal and as plain lines otherwise.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DemoOutput, formatSeconds } from './demo-output.ts'

function capture (isTTY: boolean): { stream: { write: (text: string) => void, isTTY: boolean }, text: () => string } {
  let written = ''
  return { stream: { write: (text) => { written += text }, isTTY }, text: () => written }
}

describe('DemoOutput', () => {
  it('DemoOutput.step() numbers the steps and prints the time since the start', () => {
    let nowMs = 1000
    const { stream, text } = capture(false)
    const output = new DemoOutput(stream, { now: () => nowMs })
    nowMs += 3250
    output.step('Multi-peer handshake', 7)
    output.say('ann — bob\nbob — cat\n')
    output.step('Routing', 7)
    nowMs += 10_000
    output.finish('done')
    assert.equal(text(), '\n[  3.3 s] 1/7 Multi-peer handshake\n  ann — bob\n  bob — cat\n\n[  3.3 s] 2/7 Routing\n\n[ 13.3 s] done\n')
  })

  it('DemoOutput.progress() prints a plain line per change when not on a terminal', () => {
    const { stream, text } = capture(false)
    const output = new DemoOutput(stream, { now: () => 0 })
    output.progress('waiting for handshakes', 1, 4)
    output.progress('waiting for handshakes', 1, 4)
    output.progress('waiting for handshakes', 4, 4)
    output.endProgress()
    output.say('done')
    assert.equal(text(), '  waiting for handshakes… 1/4\n  waiting for handshakes… 4/4\n  done\n')
  })

  it('DemoOutput.progress() rewrites one line on a terminal and erases it before the next output', () => {
    const { stream, text } = capture(true)
    const output = new DemoOutput(stream, { now: () => 0 })
    output.progress('waiting', 1, 2)
    output.progress('waiting', 2, 2)
    output.say('done')
    assert.equal(text(), '\r\u001b[2K  waiting… 1/2\r\u001b[2K  waiting… 2/2\r\u001b[2K  done\n')
  })

  it('formatSeconds() prints one decimal', () => {
    assert.deepEqual([formatSeconds(0), formatSeconds(12_345)], ['0.0 s', '12.3 s'])
  })
})
