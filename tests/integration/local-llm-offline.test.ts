import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tinyGgufPath } from '../helpers/gguf-model'
import { makeMedia } from '../helpers/media'
import { useTempDirs } from '../helpers/temp-dir'
import { installMiniModel } from '../helpers/transcribe-env'

/**
 * Proof that the local-only loop — transcribe with whisper.cpp, enhance with the built-in LLM,
 * export — needs no network: once inside a network namespace that has only loopback, once with
 * every outbound connection attempt recorded.
 */
const tempDir = useTempDirs()
const root = path.resolve(import.meta.dirname, '../..')
const cli = path.join(root, 'bin/mp4totext.mjs')
const recorder = path.join(root, 'tests/helpers/net-recorder.mjs')

// CI runs as root on Linux, where this works; elsewhere (no root, no user namespaces) it cannot.
const unshareWorks = process.platform === 'linux' && spawnSync('unshare', ['-n', 'true']).status === 0
if (!unshareWorks)
  console.warn('local-llm-offline: `unshare -n` is not allowed here (needs root on Linux): the network-namespace test is skipped')

/** A data dir with the mini whisper model and the tiny GGUF, and a short recording. */
async function setUp(): Promise<{ dir: string; media: string }> {
  const dir = tempDir()
  await installMiniModel(dir)
  mkdirSync(path.join(dir, 'models', 'llm'), { recursive: true })
  copyFileSync(tinyGgufPath(), path.join(dir, 'models', 'llm', 'tiny.gguf'))
  return { dir, media: makeMedia(dir, 'talk.wav', { seconds: 3, noise: true }) }
}

/** The loop as one shell script: transcribe → enhance with local/tiny → export the result. */
function loopScript(dir: string, media: string, node: string[]): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
  const run = [...node, cli].map(q).join(' ')
  const out = path.join(dir, 'out')
  return [
    'set -e',
    // a fresh namespace's loopback is down; the whisper engine talks to the app over 127.0.0.1
    'if command -v ip >/dev/null; then ip link set lo up; fi',
    `mkdir -p ${q(out)}`,
    `${run} transcribe ${q(media)} --model mini-test --format json --out ${q(path.join(out, 'talk.json'))} --data-dir ${q(dir)}`,
    `${run} enhance ${q(path.join(out, 'talk.json'))} --model local/tiny --preset cleanup --json --data-dir ${q(dir)} > ${q(path.join(out, 'enhanced.json'))}`,
    `${run} credits --json --data-dir ${q(dir)} > ${q(path.join(out, 'credits.json'))}`,
  ].join('\n')
}

function expectLoopDone(dir: string) {
  const out = path.join(dir, 'out')
  expect(existsSync(path.join(out, 'talk.json'))).toBe(true)
  const enhanced = JSON.parse(readFileSync(path.join(out, 'enhanced.json'), 'utf8')) as { text: string; credits: number }
  expect(enhanced.credits).toBe(0)
  expect(enhanced.text.length).toBeGreaterThan(0)
  const credits = JSON.parse(readFileSync(path.join(out, 'credits.json'), 'utf8')) as {
    balance: number
    startingBalance?: number
  }
  return credits
}

describe('local-only runs reach no network', () => {
  it.skipIf(!unshareWorks)(
    'transcribe → enhance (built-in) → export passes inside a loopback-only network namespace',
    async () => {
      const { dir, media } = await setUp()
      const r = spawnSync('unshare', ['-n', 'sh', '-c', loopScript(dir, media, [process.execPath])], {
        encoding: 'utf8',
        timeout: 120_000,
      })
      expect(r.stderr + r.stdout).not.toMatch(/error:/)
      expect(r.status).toBe(0)
      expectLoopDone(dir)
    },
  )

  it('records every connection attempt of the loop and finds none beyond loopback', async () => {
    const { dir, media } = await setUp()
    const log = path.join(dir, 'connections.jsonl')
    writeFileSync(log, '')
    // control: the recorder does see an attempt to leave the machine (TEST-NET-1, never routed)
    spawnSync(
      process.execPath,
      ['--import', recorder, '-e', 'fetch("http://192.0.2.1:9/").catch(() => {}); setTimeout(() => {}, 50)'],
      { env: { ...process.env, NET_RECORD_FILE: log }, timeout: 20_000 },
    )
    const control = readFileSync(log, 'utf8')
    expect(control).toMatch(/192\.0\.2\.1/)
    writeFileSync(log, '')

    const r = spawnSync('sh', ['-c', loopScript(dir, media, [process.execPath, '--import', recorder])], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NET_RECORD_FILE: log },
    })
    expect(r.stderr + r.stdout).not.toMatch(/error:/)
    expect(r.status).toBe(0)
    expectLoopDone(dir)
    const entries = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; host?: string; url?: string; path?: string; main?: string | null })
    // the engines did run: the whisper server was reached over loopback, the LLM's process loaded the recorder
    expect(entries.some((e) => e.kind === 'tcp' && e.host === '127.0.0.1')).toBe(true)
    expect(entries.some((e) => e.kind === 'loaded' && /native-host/.test(e.main ?? ''))).toBe(true)
    const outside = entries.filter((e) => {
      if (e.kind === 'ipc' || e.kind === 'loaded') return false
      const host = e.host ?? (e.url ? new URL(e.url).hostname : '')
      return !/^127\.\d+\.\d+\.\d+$/.test(host) && host !== 'localhost' && host !== '::1'
    })
    expect(outside).toEqual([])
  })
})
