import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openCore } from '../../src/core/app-core'
import { createPreloadApi } from '../../src/preload/preload-api'
import { createHttpApi } from '../../src/renderer/src/lib/http-api'
import { dispatch } from '../../src/shared/dispatch'
import { ApiError, ipcCallChannel } from '../../src/shared/transport'
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
    const overHttp = createHttpApi(url.origin, url.searchParams.get('token')!)
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
