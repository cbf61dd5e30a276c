import http from 'node:http'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { startWebHost } from '../../src/web/web-host'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

async function setup() {
  const staticDir = tempDir()
  mkdirSync(staticDir, { recursive: true })
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><p>app</p>')
  const core = await openCore({ dataDir: tempDir(), shell: 'web', version: 't', systemLocale: 'en-US' })
  const host = await startWebHost(core, { staticDir })
  const base = new URL(host.url).origin
  return { core, host, base }
}

function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      .on('error', reject)
  })
}

describe('web host', () => {
  it('listens on 127.0.0.1 only and serves the app', async () => {
    const { host, base } = await setup()
    expect(new URL(host.url).hostname).toBe('127.0.0.1')
    const res = await fetch(`${base}/#/models`)
    expect(await res.text()).toContain('app')
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
    await host.close()
  })

  it('requires the token on every API call', async () => {
    const { host, base } = await setup()
    const call = (token?: string) =>
      fetch(`${base}/api/call/credits.get`, { method: 'POST', headers: token ? { 'x-mp4totext-token': token } : {}, body: '{}' })
    expect((await call()).status).toBe(401)
    expect((await call('wrong')).status).toBe(401)
    const ok = await call(host.token)
    expect(await ok.json()).toMatchObject({ ok: true, value: { balance: 1000 } })
    await host.close()
  })

  it('validates input and reports unknown calls and bad JSON', async () => {
    const { host, base } = await setup()
    const post = (ch: string, body: string) =>
      fetch(`${base}/api/call/${ch}`, { method: 'POST', headers: { 'x-mp4totext-token': host.token }, body }).then((r) =>
        r.json(),
      )
    expect(await post('credits.topUp', '{"amount":"lots"}')).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(await post('fs.rm', '{}')).toMatchObject({ ok: false, error: { code: 'unknown-channel' } })
    expect(await post('credits.get', '{nope')).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    await host.close()
  })

  it('answers a call the contract refuses with HTTP 400 (404 for an unknown call), a good one with 200', async () => {
    const { host, base } = await setup()
    const status = (ch: string, body: string) =>
      fetch(`${base}/api/call/${ch}`, { method: 'POST', headers: { 'x-mp4totext-token': host.token }, body }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { ok: boolean; error?: { code: string } },
      }))
    expect(await status('credits.topUp', '{"amount":"lots"}')).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'invalid-input' } },
    })
    expect(await status('settings.set', '{"transcriptionServers":[{"url":"not a url","concurrency":1}]}')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid-input' } },
    })
    expect(await status('fs.rm', '{}')).toMatchObject({ status: 404, body: { error: { code: 'unknown-channel' } } })
    expect(await status('credits.get', '{}')).toMatchObject({ status: 200, body: { ok: true } })
    await host.close()
  })

  it('refuses requests for a foreign Host (DNS rebinding) and paths outside the app', async () => {
    const { host, base } = await setup()
    expect(await rawGet(`${base}/`, { host: 'evil.example' })).toBe(421)
    expect(await rawGet(`${base}/..%2f..%2f..%2fetc%2fpasswd`, {})).toBe(403)
    // dot segments are folded by the URL parser: the request falls back to the app, never the file
    expect(await (await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`)).text()).toContain('<p>app</p>')
    await host.close()
  })

  it('streams core events over SSE', async () => {
    const { host, base, core } = await setup()
    const got = new Promise<string>((resolve) => {
      http.get(`${base}/api/events?token=${host.token}`, (res) => {
        let buf = ''
        res.on('data', (c: Buffer) => {
          buf += c.toString()
          if (buf.includes('credits.changed')) {
            resolve(buf)
            res.destroy()
          }
        })
        setTimeout(() => void core.credits.topUp(3, 'sse'), 50)
      })
    })
    const text = await got
    expect(text).toContain('event: credits.changed')
    expect(text).toContain('"balance":1003')
    await host.close()
  })
})

describe('web host event stream', () => {
  it('drops a client that stopped reading instead of buffering without end', async () => {
    const { core, host, base } = await setup()
    const { default: net } = await import('node:net')
    const url = new URL(host.url)
    const socket = net.connect(Number(url.port), '127.0.0.1')
    await new Promise<void>((r) => socket.once('connect', () => r()))
    socket.write(`GET /api/events?token=${host.token} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`)
    await new Promise<void>((r) => socket.once('data', () => r()))
    socket.pause() // a frozen tab: connected, reading nothing
    expect(host.eventClients()).toBe(1)
    const big = 'x'.repeat(256 * 1024)
    for (let i = 0; i < 200 && host.eventClients() > 0; i++) {
      core.events.emit('catalog.changed', { reason: big })
      await new Promise((r) => setImmediate(r))
    }
    expect(host.eventClients()).toBe(0)
    socket.destroy()
    await host.close()
    expect(base).toContain('127.0.0.1')
  })
})

describe('web host: requests from other pages', () => {
  it('refuses another site’s Origin, and the query-string token on calls (only the event stream and media take it)', async () => {
    const { host, base, core } = await setup()
    const call = (headers: Record<string, string>, query = '') =>
      fetch(`${base}/api/call/credits.topUp${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...headers },
        body: JSON.stringify({ amount: 1 }),
      })
    // a "simple" cross-origin POST a browser sends without asking first, token leaked in a URL
    expect((await call({ origin: 'http://evil.example' }, `?token=${host.token}`)).status).toBe(403)
    expect((await call({}, `?token=${host.token}`)).status).toBe(401)
    expect((await call({ origin: 'http://evil.example', 'x-mp4totext-token': host.token })).status).toBe(403)
    expect(core.credits.state().balance).toBe(1000)
    // the app itself: its own origin, the header
    expect((await call({ origin: base, 'x-mp4totext-token': host.token })).status).toBe(200)
    expect(core.credits.state().balance).toBe(1001)
    const page = await fetch(`${base}/`)
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    await host.close()
  })
})
