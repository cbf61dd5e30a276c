import type { Core } from '../core/app-core'
import type { UrlImport } from '../shared/calls/url-import-calls'
import { AppError, ErrorCode } from '../shared/errors'
import { call } from './cli-call'

type Write = (s: string) => void

/** An argument that is a link, not a path: anything with a scheme (a non-web one is refused by the core). */
export const isUrlArg = (arg: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(arg)

/**
 * Each link of `transcribe` fetched into the data folder's downloads, one after another, through
 * the contract as the app does; the rest stay as they are. Typing the link is the consent: the
 * notice is printed (not asked) before the request goes out. Ctrl-C cancels the download (no
 * half-written file is kept). Returns the local paths, and which of them came from a link.
 */
export async function resolveUrlInputs(
  core: Core,
  inputs: string[],
  err: Write,
  isTTY: boolean,
): Promise<{ files: string[]; fromUrl: Set<string> }> {
  const files: string[] = []
  const fromUrl = new Set<string>()
  for (const input of inputs) {
    if (!isUrlArg(input)) {
      files.push(input)
      continue
    }
    const host = URL.canParse(input) ? new URL(input).host : input
    err(`Downloading ${input} (this sends a request to ${host})\n`)
    const started = await call(core, 'urlImport.start', { url: input, noticeShown: true, queue: false })
    const end = await untilOver(core, started, (s) => {
      if (!isTTY) return
      const mib = (n: number) => (n / 1048576).toFixed(1)
      const of = s.totalBytes ? ` of ${mib(s.totalBytes)} MiB (${Math.round((100 * s.receivedBytes) / s.totalBytes)}%)` : ' MiB'
      err(`\r${s.method ?? ''} ${mib(s.receivedBytes)}${of}   `)
    })
    if (isTTY) err('\r\x1b[2K')
    if (end.status !== 'done' || !end.file) {
      const code = ErrorCode.safeParse(end.error?.code)
      throw new AppError(
        code.success ? code.data : 'internal',
        end.error?.message ?? `The download of ${input} was ${end.status}`,
      )
    }
    err(`Downloaded ${end.file}\n`)
    files.push(end.file)
    fromUrl.add(end.file)
  }
  return { files, fromUrl }
}

function untilOver(core: Core, started: UrlImport, onProgress: (s: UrlImport) => void): Promise<UrlImport> {
  return new Promise((resolve) => {
    const cancel = () => void call(core, 'urlImport.cancel', { id: started.id })
    process.once('SIGINT', cancel)
    const off = core.events.subscribe((name, p) => {
      const s = p as UrlImport
      if (name !== 'urlImport.progress' || s.id !== started.id) return
      if (s.status === 'running') return onProgress(s)
      off()
      process.off('SIGINT', cancel)
      resolve(s)
    })
    // it may have ended before the subscription
    void call(core, 'urlImport.list', {}).then((all) => {
      const s = all.find((x) => x.id === started.id && x.status !== 'running')
      if (!s) return
      off()
      process.off('SIGINT', cancel)
      resolve(s)
    })
  })
}
