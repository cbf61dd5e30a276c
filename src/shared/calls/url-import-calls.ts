import { z } from 'zod'
import { AppErrorShape } from '../errors'
import { TranscribeOptions } from '../transcribe-types'

/**
 * One link being turned into a job: the media is fetched (yt-dlp for a page, a plain download for
 * a media link) into the data folder's downloads, then queued like a dropped file.
 * running: fetching; done: the file is kept and `jobId` is its job (null when not queued); failed / cancelled: nothing
 * half-written is left.
 */
export const UrlImport = z.object({
  id: z.string(),
  url: z.string(),
  status: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** how it is fetched, once known: yt-dlp (a page), or a direct download (the link is media) */
  method: z.enum(['direct', 'yt-dlp']).nullable(),
  receivedBytes: z.number().nonnegative(),
  /** null while the size is not known (no Content-Length, a page's stream) */
  totalBytes: z.number().nonnegative().nullable(),
  title: z.string().nullable(),
  /** the kept file, once downloaded */
  file: z.string().nullable(),
  jobId: z.string().nullable(),
  error: AppErrorShape.nullable(),
})
export type UrlImport = z.infer<typeof UrlImport>

/** Whether pages can be fetched here: yt-dlp's path, or how to install it on this system. */
export const UrlImportTool = z.object({
  ytDlp: z.string().nullable(),
  /** the command that installs yt-dlp on this operating system */
  install: z.string(),
  maxMB: z.number().int(),
})
export type UrlImportTool = z.infer<typeof UrlImportTool>

export const urlImportCalls = {
  /**
   * Start fetching a link (http or https only). Refused with `needs-confirmation` until the user
   * has been told that this sends a request to that site (Settings: urlImportNoticeAcknowledged),
   * unless `noticeShown` says the caller has just told them (the CLI, where the command is the consent).
   */
  'urlImport.start': {
    input: z.object({
      url: z.string().trim().min(1).max(8192),
      options: TranscribeOptions.partial().default({}),
      noticeShown: z.boolean().default(false),
      /** false: only download; the caller queues the file itself (the CLI, with its own outputs) */
      queue: z.boolean().default(true),
    }),
    output: UrlImport,
  },
  'urlImport.cancel': { input: z.object({ id: z.string() }), output: z.object({ cancelled: z.boolean() }) },
  /** this process's imports, newest first */
  'urlImport.list': { input: z.object({}), output: z.array(UrlImport) },
  'urlImport.tool': { input: z.object({}), output: UrlImportTool },
} as const

export const urlImportEvents = {
  'urlImport.progress': UrlImport,
} as const
