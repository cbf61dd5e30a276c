import { z } from 'zod'
import { StoredError } from '../errors'
import { ExportFormat } from '../transcribe-types'

/**
 * A folder the app watches: media that lands in it is transcribed once, when fully
 * written, with these choices; outputs go beside each file or under `outDir` (subfolders
 * mirrored). Kept in the settings, so every process on the data folder sees the same list.
 */
export const WatchFolder = z.object({
  id: z.string().min(1).max(64),
  /** absolute path */
  dir: z.string().min(1).max(4096),
  /** absolute path; null: outputs go beside each media file */
  outDir: z.string().min(1).max(4096).nullable(),
  recursive: z.boolean(),
  formats: z.array(ExportFormat).min(1).max(ExportFormat.options.length),
  /** null: the settings' model, language and speech detection at the time a file is queued */
  model: z.string().min(1).nullable(),
  language: z.string().min(2).max(8).nullable(),
  vad: z.boolean().nullable(),
  enabled: z.boolean(),
})
export type WatchFolder = z.infer<typeof WatchFolder>

/**
 * Where one media file is on its way. claimed: a process took it and is queueing it; queued: its
 * job runs or waits; writing: the transcript is done and its outputs are being written; done:
 * outputs written; failed: the job failed or was cancelled (retrying the job is the user's call).
 */
export const WatchedFileStatus = z.enum(['claimed', 'queued', 'writing', 'done', 'failed'])
export type WatchedFileStatus = z.infer<typeof WatchedFileStatus>

/** One media file seen in a watched folder (or a folder run); its identity is `key`. */
export const WatchedFile = z.object({
  /** path + size + modification time: the same bytes at the same place are one file */
  key: z.string(),
  path: z.string(),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  /** the watch folder's id ('cli' for a command-line watch or folder run) */
  folderId: z.string(),
  /** the root that was watched, and where its outputs go (null: beside the file) */
  rootDir: z.string(),
  outDir: z.string().nullable(),
  formats: z.array(ExportFormat).min(1),
  /** the choices it is transcribed with (null: the settings' at the time) */
  model: z.string().nullable(),
  language: z.string().nullable(),
  vad: z.boolean().nullable(),
  status: WatchedFileStatus,
  jobId: z.string().nullable(),
  transcriptId: z.string().nullable(),
  /** the output files, chosen once (free names) before the first is written */
  outputs: z.array(z.string()),
  error: z.string().nullable(),
  /** what `error` says, for the UI to word in its language (absent, as in older records: show `error`) */
  errorDetail: StoredError.nullable().optional(),
  at: z.string(),
})
export type WatchedFile = z.infer<typeof WatchedFile>

/**
 * Whether this app is watching one folder of the list right now. stopped: enabled, but not
 * watched — `reason` missing (the folder was deleted or moved, or its drive is not there; it is
 * watched again as soon as it is back) or error (`message` says what); off: paused by the user.
 */
export const WatchFolderState = z.object({
  id: z.string(),
  state: z.enum(['watching', 'stopped', 'off']),
  reason: z.enum(['missing', 'error']).nullable(),
  message: z.string().nullable(),
  /** for reason error: what `message` says, for the UI to word in its language (absent: show `message`) */
  error: StoredError.nullable().optional(),
})
export type WatchFolderState = z.infer<typeof WatchFolderState>

/** What a watched folder (or a folder run) writes beside each file unless told otherwise. */
export const DEFAULT_WATCH_FORMATS: readonly ExportFormat[] = ['txt', 'srt']

const NewFolder = z.object({
  dir: z.string().min(1).max(4096),
  outDir: z.string().min(1).max(4096).nullable().default(null),
  recursive: z.boolean().default(false),
  formats: z
    .array(ExportFormat)
    .min(1)
    .max(ExportFormat.options.length)
    .default([...DEFAULT_WATCH_FORMATS]),
  model: z.string().min(1).nullable().default(null),
  language: z.string().min(2).max(8).nullable().default(null),
  vad: z.boolean().nullable().default(null),
})

/**
 * Contract calls and events of one feature, spread into `calls` and `events` in ../contract.ts
 * (one file per feature, so the features' contracts grow apart).
 */
export const watchCalls = {
  'watch.list': { input: z.object({}), output: z.array(WatchFolder) },
  /** paths must be absolute; the data folder (and anything in it) is refused */
  'watch.add': { input: NewFolder, output: z.array(WatchFolder) },
  'watch.remove': { input: z.object({ id: z.string().min(1) }), output: z.array(WatchFolder) },
  'watch.setEnabled': { input: z.object({ id: z.string().min(1), enabled: z.boolean() }), output: z.array(WatchFolder) },
  /** the files handled most recently, newest first */
  'watch.status': { input: z.object({ limit: z.number().int().min(1).max(200).default(20) }), output: z.array(WatchedFile) },
  /** each folder of the list: watched now, or stopped and why */
  'watch.states': { input: z.object({}), output: z.array(WatchFolderState) },
} as const

export const watchEvents = {
  'watch.file': WatchedFile,
  /** a folder's state changed (gone, back, paused) */
  'watch.folder': WatchFolderState,
} as const
