import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { createPreloadApi } from '../../src/preload/preload-api'
import { dispatch } from '../../src/shared/dispatch'
import type { Envelope } from '../../src/shared/contract'
import { ApiError, apiRoutes, ipcCallChannel, TOKEN_HEADER, unwrap } from '../../src/shared/transport'
import { startWebHost } from '../../src/web/web-host'
import { useTempDirs } from '../helpers/temp-dir'

const tempDir = useTempDirs()

describe('both transports', () => {
  it('turn a failed call into the same ApiError, with the core’s code', async () => {
    const core = await openCore({ dataDir: tempDir(), shell: 'web', version: 't', systemLocale: 'en-US' })
    const staticDir = tempDir()
    mkdirSync(staticDir, { recursive: true })
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html>')
    const host = await startWebHost(core, { staticDir })
    const url = new URL(host.url)
    // what the renderer's http transport does: POST the call, unwrap the envelope
    const overHttp = {
      invoke: async (channel: string, input: unknown) => {
        const res = await fetch(`${url.origin}${apiRoutes.call(channel)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TOKEN_HEADER]: url.searchParams.get('token')! },
          body: JSON.stringify(input),
        })
        return unwrap((await res.json()) as Envelope<unknown>)
      },
    }
    const overIpc = createPreloadApi({
      invoke: (channel, input) => dispatch(core.handlers, channel.slice(ipcCallChannel('').length), input),
      on: () => () => undefined,
      pathForFile: () => '',
    })
    for (const api of [overHttp, overIpc]) {
      const err = await api.invoke('transcripts.get', { id: 'missing' }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ApiError)
      expect(err).toMatchObject({ code: 'not-found' })
    }
    await host.close()
    await core.close()
  })
})
