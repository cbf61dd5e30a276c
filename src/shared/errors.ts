import { z } from 'zod'

export const ErrorCode = z.enum([
  'invalid-input',
  'not-found',
  'insufficient-credits',
  'needs-confirmation',
  'missing-key',
  'provider-auth',
  'model-unavailable',
  'rate-limited',
  'provider-error',
  'cancelled',
  'forbidden',
  'store-failed',
  /** a save made on what another window or process has changed since */
  'conflict',
  /** a native engine (the built-in LLM, speech or speaker detection) aborted on this job */
  'engine-crashed',
  'unknown-channel',
  'internal',
])
export type ErrorCode = z.infer<typeof ErrorCode>

/**
 * Messages more specific than their code, each with the names of the values its wording needs.
 * The core throws a key and its values; the renderer words them in the user's language
 * (errors.keys.<key>), so no core English reaches a Turkish page. `message` stays English, for
 * the CLI and logs. A `provider` value is a provider id, which the renderer shows by name.
 */
export const errorKeys = {
  'missing-key': ['provider'],
  'missing-key-env': ['provider', 'variable'],
  'key-bound-elsewhere': ['provider', 'given', 'url'],
  'key-bound-elsewhere-env': ['provider', 'variable', 'given', 'url', 'urlVariable'],
  'no-base-url': [],
  'too-big': ['field', 'limit'],
  'too-small': ['field', 'limit'],
  'invalid-field': ['field'],
  /** audio would go to a provider or server whose privacy notice was not acknowledged */
  'privacy-notice': ['receiver'],
  // model downloads (whisper, speaker and built-in LLM models): the mirror, never "the provider"
  'download-http': ['host', 'status'],
  'download-unreachable': ['host'],
  'download-interrupted': ['host'],
  'download-too-large': ['host', 'expected', 'got'],
  'download-endless': ['host', 'expected'],
  'download-disk-full': ['host'],
  'download-no-room': ['need', 'free', 'dir'],
  'download-redirect': ['host', 'target'],
  'download-redirect-hidden': ['host'],
  'download-cancelled': [],
  // watch folders; `folder` is "watch" or "output"
  'folder-not-absolute': ['folder', 'path'],
  'folder-in-data': ['folder', 'dataDir'],
  'folder-missing': ['path'],
  'folder-holds-data': ['path', 'dataDir'],
  'folder-parent-missing': ['path'],
  'folder-create-failed': ['path'],
  'folder-is-file': ['path'],
  'folder-already-watched': ['path'],
  // importing media from a link
  'url-not-http': ['url'],
  'url-notice': ['host'],
  'url-not-found': ['url'],
  'url-not-media': ['url'],
  'url-too-big': ['limitMB'],
  'url-ytdlp-missing': ['command'],
  'url-refused': ['host', 'detail'],
  'voice-not-found': [],
  'voices-other-model': [],
  'voices-file-invalid': [],
  'voices-none-heard': [],
  // what a user is refused in the app (a model, a job, a transcript's segments, speakers, pricing, recording)
  'model-not-chosen': [],
  'whisper-not-installed': ['name'],
  'model-already-installed': ['file'],
  'not-a-whisper-model': ['file'],
  'download-corrupt': ['name'],
  'builtin-not-installed': ['name'],
  'builtin-no-memory': ['name', 'need', 'free'],
  'not-a-gguf': ['file', 'why'],
  'job-not-stopped': [],
  'job-not-retryable': ['file'],
  'job-cancel-first': [],
  'segments-missing': ['segments'],
  'undo-nothing': [],
  'undo-would-lose-edit': [],
  'segment-conflict': ['segment', 'text'],
  'segments-changed': [],
  'split-outside': ['start', 'end'],
  'merge-last': ['segment'],
  'segment-times': [],
  'segment-after-end': ['duration'],
  'segment-order': [],
  'speakers-running': [],
  'speakers-none-found': [],
  'speakers-first': [],
  'custom-needs-prompt': [],
  'not-for-enhancement': ['model'],
  'pricing-reason-required': [],
  'pricing-nothing-to-undo': [],
  'pricing-undo-upgrade': [],
  'recording-stopping': [],
  'recording-running': [],
  'recording-gone': [],
  'engine-load-failed': ['code', 'reason'],
  'translate-local-only': [],
  'not-a-transcription-model': ['model'],
  'transcription-model-inactive': ['model'],
  'transcript-file-missing': ['folder'],
  'model-copy-failed': ['file', 'detail'],
  'model-bad-name': ['file'],
  'key-needs-base-url': [],
  'no-keyring': [],
  'speaker-models-missing': ['models'],
  'waveform-unreadable': ['detail'],
  'media-gone': ['file'],
  'upload-failed': ['detail'],
  /** library.db cannot be read (cut short, not a database); it was left as it is */
  'library-unreadable': ['file', 'folder'],
  /** library.db was written by a newer version; it was left as it is */
  'library-newer': ['file'],
  // what was there when the page showed it and is gone now (another window, a command)
  'job-not-found': [],
  'transcript-not-found': [],
  /** `segment` counts from 1, as the editor shows it */
  'segment-not-found': ['segment'],
  'speaker-not-found': [],
  'recording-not-recoverable': [],
  'model-unknown': ['model'],
  'local-model-unknown': ['model'],
  'model-file-missing': ['file'],
  // the transcription engine (whisper-server); `detail` and `reason` are its own or the system's words
  'engine-start-timeout': [],
  'engine-start-failed': ['detail'],
  'engine-stopped': ['reason'],
  'engine-refused-audio': ['detail'],
  /** a file the app ships is gone (`part`: ffmpeg, the benchmark clip, sherpa-onnx-node) */
  'app-incomplete': ['part'],
  // speech detection (VAD)
  'vad-model-missing': ['file'],
  'vad-model-damaged': ['file'],
  // speaker detection; `files` names the model file(s) to replace
  'speaker-model-unusable': ['file', 'why'],
  'speaker-models-unloadable': ['detail', 'files'],
  'speakers-failed': ['detail'],
  'speakers-crashed': ['reason', 'files'],
  // ffmpeg's work on a recording and on audio for upload
  'recording-compress-failed': ['detail'],
  'recording-chunk-lost': [],
  'upload-encode-failed': ['detail'],
  'bench-running': [],
  'bench-no-model': [],
  'pricing-bad-multiplier': ['value'],
  'pricing-not-applied': ['problems'],
  'pricing-needs-confirmation': [],
  'update-feed-unreadable': ['detail'],
  'update-feed-invalid': [],
  // a media file that cannot be transcribed (MediaProblem), met before a job exists: a cloud
  // model's estimate, a recording's clip; `file` is its name
  'media-missing': ['file'],
  'media-unreadable': ['file'],
  'media-empty': ['file'],
  'media-not-media': ['file'],
  'media-no-audio': ['file'],
  'media-corrupt': ['file'],
  // a watched folder's file; `detail` is the system's own words
  'watch-job-removed': [],
  'watch-outputs-failed': ['detail'],
  /** the hardware test left a backend out: its only device(s) are the CPU's work through a slower path */
  'bench-software-only': ['devices'],
  // a file the web host does not take in; sizes are worded ("20 GiB"), `dir` is the uploads folder
  'upload-too-large': ['limit'],
  'upload-no-room': ['free', 'need', 'reserve', 'dir'],
  'upload-disk-full': ['dir'],
  // cloud transcription, where the message is this app's own English; `receiver` is a provider's
  // brand or a server's address, `size` and `limit` worded ("2.6 MB")
  'cloud-piece-too-large': ['receiver', 'size', 'limit'],
  'cloud-bad-reply': ['receiver'],
  // the same from one of the transcription servers (Settings), whichever took the piece
  'server-piece-too-large': ['size', 'limit'],
  'server-bad-reply': [],
  /** no transcription server (Settings) took the audio; `servers` are their addresses */
  'servers-none-left': ['servers'],
  'cloud-unexpected': [],
} as const satisfies Record<string, readonly string[]>
export type ErrorKey = keyof typeof errorKeys
/**
 * A `detail` or `reason` value when an engine or ffmpeg failed without a word: the renderer words
 * it in the UI's language (errors.noDetails) instead of putting this English into its sentence.
 */
export const NO_DETAILS = 'no details'
export const MessageParams = z.record(z.string(), z.union([z.string(), z.number()]))
export type MessageParams = z.infer<typeof MessageParams>
export interface ErrorDetail<K extends ErrorKey = ErrorKey> {
  key: K
  params: Record<(typeof errorKeys)[K][number], string | number>
}

/** The only error shape that crosses a process boundary: never a stack, never a secret. */
export const AppErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  key: z.string().optional(),
  params: MessageParams.optional(),
})
export type AppErrorShape = z.infer<typeof AppErrorShape>

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** what the renderer words in the user's language instead of `message` */
    readonly detail?: ErrorDetail,
  ) {
    super(message)
    this.name = 'AppError'
  }

  toShape(): AppErrorShape {
    return {
      code: this.code,
      message: this.message,
      ...(this.detail ? { key: this.detail.key, params: this.detail.params as MessageParams } : {}),
    }
  }
}

/** An AppError the renderer words from `key` and `params`; `message` is the English for the CLI and logs. */
export function keyedError<K extends ErrorKey>(
  code: ErrorCode,
  key: K,
  params: ErrorDetail<K>['params'],
  message: string,
): AppError {
  return new AppError(code, message, { key, params } as ErrorDetail)
}

export function toErrorShape(err: unknown): AppErrorShape {
  if (err instanceof AppError) return err.toShape()
  const parsed = AppErrorShape.safeParse(err)
  if (parsed.success) return parsed.data
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}

/**
 * An error kept in a record beside its English message, for the UI to word later in its own
 * language: its code, and its key and values where it has them. `code` is any string, so a
 * record written by a newer version still reads.
 */
export const StoredError = z.object({ code: z.string(), key: z.string().optional(), params: MessageParams.optional() })
export type StoredError = z.infer<typeof StoredError>

/** `err` as a record keeps it: the English message (for the CLI and logs) and what words it. */
export function storedError(err: unknown): { message: string; error: StoredError } {
  const { code, message, key, params } = toErrorShape(err)
  return { message, error: { code, ...(key ? { key, params: params ?? {} } : {}) } }
}
