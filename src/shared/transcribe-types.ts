import { z } from 'zod'
import { MessageParams, StoredError } from './errors'

/** One word with its time (seconds on the file's timeline) and how sure the engine was (0..1). */
export const Word = z.object({
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  text: z.string(),
  probability: z.number().min(0).max(1),
})
export type Word = z.infer<typeof Word>

export const Segment = z.object({
  id: z.number().int(),
  /** seconds from the start of the media file */
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  text: z.string(),
  /** word timing, where the engine gave it (older transcripts have none) */
  words: z.array(Word).optional(),
  /** who speaks it ("S1", "S2", …; names in TranscriptMeta.speakers), once speakers were detected */
  speaker: z.string().max(40).optional(),
})
export type Segment = z.infer<typeof Segment>

/**
 * A transcript as plain text: one line per segment, blank segments left out. The one rule for
 * the TXT export, the hand-off to Enhance and the CLI reading a transcript JSON.
 */
export function plainText(segments: readonly { text?: unknown }[]): string {
  return segments
    .map((s) => String(s.text ?? '').trim())
    .filter(Boolean)
    .join('\n')
}

/**
 * A speaker's name as every export shows it: on one line (a name typed with line breaks would
 * start a new paragraph, row or cue), the id where no name was given.
 */
export const speakerName = (names: Readonly<Record<string, string>>, id: string): string =>
  (names[id] ?? id).replace(/\s+/g, ' ').trim() || id

/**
 * The transcript as text with who says what: one "Name: text" paragraph per change of speaker
 * (the TXT export, the hand-off to Enhance, so presets keep the names). Without speakers it is
 * exactly `plainText`.
 */
export function transcriptText(
  segments: readonly { text?: unknown; speaker?: string }[],
  names: Readonly<Record<string, string>> = {},
): string {
  if (!segments.some((s) => s.speaker)) return plainText(segments)
  const paragraphs: { speaker: string | undefined; lines: string[] }[] = []
  for (const s of segments) {
    const text = String(s.text ?? '').trim()
    if (!text) continue
    const last = paragraphs.at(-1)
    if (last && last.speaker === s.speaker) last.lines.push(text)
    else paragraphs.push({ speaker: s.speaker, lines: [text] })
  }
  return paragraphs
    .map((p) => (p.speaker ? `${speakerName(names, p.speaker)}: ${p.lines.join(' ')}` : p.lines.join(' ')))
    .join('\n\n')
}

export const TranscribeOptions = z.object({
  /** a model name from the model manager (e.g. "base") or a path to a ggml .bin */
  model: z.string().min(1),
  /** "auto" or a whisper language code */
  language: z.string().min(2).max(8).default('auto'),
  translate: z.boolean().default(false),
  prompt: z.string().max(2000).default(''),
  threads: z.number().int().min(1).max(64).optional(),
  beamSize: z.number().int().min(1).max(16).optional(),
  /** voice activity detection for this job (absent: the setting) */
  vad: z.boolean().optional(),
  /**
   * self-hosted OpenAI-compatible servers for this job (absent: the settings' list); the
   * local model is the last fallback. A cloud model is a model of the form "groq/…" or "openai/…".
   */
  servers: z.array(z.string().url()).max(16).optional(),
})
export type TranscribeOptions = z.infer<typeof TranscribeOptions>

/**
 * A file that stopped decoding before its audio's end (cut short, damaged at the end), or whose
 * engine stopped on a later window: what was done was transcribed and kept. Seconds of the audio
 * stream, to one decimal.
 */
export const PartialAudio = z.object({
  decodedSec: z.number().nonnegative(),
  expectedSec: z.number().positive(),
  /** the engine failed after the windows before `decodedSec` were done: its error (absent: the file was cut short) */
  engineError: z.string().max(1000).optional(),
})
export type PartialAudio = z.infer<typeof PartialAudio>

/** Why a media file could not be transcribed; the UI words each in the user's language. */
export const MediaProblem = z.enum(['missing', 'unreadable', 'empty', 'not-media', 'no-audio', 'corrupt'])
export type MediaProblem = z.infer<typeof MediaProblem>

export const JobStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'])
export type JobStatus = z.infer<typeof JobStatus>

/** Waiting or running: the job has an owner process and must be cancelled before removal. */
export const isJobActive = (s: JobStatus) => s === 'queued' || s === 'running'
/** Stopped before it finished: Retry may start it again. */
export const isJobStopped = (s: JobStatus) => s === 'failed' || s === 'cancelled' || s === 'interrupted'
/** No longer moving: done or stopped. */
export const isJobOver = (s: JobStatus) => !isJobActive(s)

/** What a running job is doing before and while it makes progress (live, not stored). */
export const JobStage = z.enum(['loading-model', 'detecting-speech', 'decoding', 'sending'])
export type JobStage = z.infer<typeof JobStage>

export const Job = z.object({
  id: z.string(),
  file: z.string(),
  fileName: z.string(),
  status: JobStatus,
  /** 0..1 */
  progress: z.number().min(0).max(1),
  /** a running job's stage (absent: not running, or not known) */
  stage: JobStage.nullable().optional(),
  /** the user's own servers this job was meant for did not answer: it ran on this computer */
  fallbackFrom: z.array(z.string()).nullable().optional(),
  /** of those servers, the ones that answered with an HTTP error, and its status (the others were not reachable) */
  fallbackStatus: z.record(z.string(), z.number().int()).nullable().optional(),
  etaSec: z.number().nullable(),
  /** processing time / audio time; below 1 is faster than real time */
  realtimeFactor: z.number().nullable(),
  durationSec: z.number().nullable(),
  options: TranscribeOptions,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** for an error about the file itself: which one, so the UI can word it (absent: none) */
  errorReason: MediaProblem.nullable().optional(),
  /** the error's key and values (see errorKeys), so the UI words it in its language (absent: none, or an older record) */
  errorDetail: z.object({ key: z.string(), params: MessageParams }).nullable().optional(),
  /** whether Retry can help a failed job (absent, as in older records: it may) */
  retryable: z.boolean().optional(),
  /** a done job whose file was cut short: the transcript holds only this much (absent: complete) */
  partial: PartialAudio.nullable().optional(),
  /** speech detection was on and heard no speech: the transcript is empty on purpose */
  noSpeech: z.boolean().optional(),
  transcriptId: z.string().nullable(),
})
export type Job = z.infer<typeof Job>

export const TranscriptMeta = z.object({
  id: z.string(),
  jobId: z.string(),
  fileName: z.string(),
  mediaPath: z.string(),
  hasVideo: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  durationSec: z.number(),
  language: z.string(),
  model: z.string(),
  segmentCount: z.number().int(),
  preview: z.string(),
  /** the file was cut short: only this much of its audio is transcribed (absent: complete) */
  partial: PartialAudio.nullable().optional(),
  /** speech detection was on and heard no speech: the transcript is empty on purpose */
  noSpeech: z.boolean().optional(),
  /** speaker id → the name shown and exported ("S1" → "Ayşe"); absent: speakers never detected */
  speakers: z.record(z.string(), z.string().max(80)).optional(),
  /** why speaker detection left the transcript unlabelled (a model missing, no speaker found) */
  speakerNotice: z.string().max(500).optional(),
  /**
   * the notice's error as the core threw it (its code, and its key and values where it has
   * them), so the editor words it in its language; absent in a record from before: the editor
   * shows speakerNotice as it was written
   */
  speakerNoticeError: StoredError.optional(),
  /** names and jargon whisper is told to expect (its initial prompt); re-transcriptions use it too */
  prompt: z.string().max(2000).optional(),
  /** how many changes the transcript has had; a save names the revision it was made on */
  revision: z.number().int().nonnegative().optional(),
  /** the video's frames per second, where the media said (subtitles are timed to its frames) */
  frameRate: z.number().positive().max(1000).nullable().optional(),
})
export type TranscriptMeta = z.infer<typeof TranscriptMeta>

/** The History's page: what the list shows at a time. */
export const HISTORY_PAGE_SIZE = 50
/** The most transcripts one History page holds: no shell asks for a whole library at once. */
export const HISTORY_PAGE_MAX = 500
/** How many transcripts a History query may match (the best of the library's search). */
export const HISTORY_MATCHES_MAX = 500

/** One page of the History, newest first, and how many transcripts (or matches) there are. */
export const TranscriptPage = z.object({ items: z.array(TranscriptMeta), total: z.number().int().nonnegative() })
export type TranscriptPage = z.infer<typeof TranscriptPage>

export const ExportFormat = z.enum(['txt', 'txt-timestamps', 'srt', 'vtt', 'json', 'md', 'csv', 'docx'])
export type ExportFormat = z.infer<typeof ExportFormat>

/** What a document export (Markdown, DOCX) shows beside the text: who speaks, and when. */
export const DocumentOptions = z.object({
  speakers: z.boolean().default(true),
  timestamps: z.boolean().default(true),
})
export type DocumentOptions = z.infer<typeof DocumentOptions>

/**
 * How each export's file name ends, for every shell (the app's download, the CLI, watch
 * folders): the timestamped text has its own, so it can sit beside the plain one.
 */
export const exportSuffix: Readonly<Record<ExportFormat, string>> = {
  txt: '.txt',
  'txt-timestamps': '.timestamps.txt',
  srt: '.srt',
  vtt: '.vtt',
  json: '.json',
  md: '.md',
  csv: '.csv',
  docx: '.docx',
}

/** The frame rates offered for subtitle timing (a video's own rate is used when it is known). */
export const FRAME_RATES = [23.976, 24, 25, 29.97, 30, 50, 60] as const

/** How SRT/VTT cues are shaped; the defaults are broadcast norms (42 characters, 2 lines, 17 cps). */
export const SubtitleRules = z.object({
  maxLineChars: z.number().int().min(10).max(100).default(42),
  maxLines: z.number().int().min(1).max(4).default(2),
  maxCps: z.number().min(5).max(40).default(17),
  /** frames per second of the video the cues go with, two frames apart (absent: the video's own, else 25) */
  frameRate: z.number().min(10).max(120).optional(),
})
export type SubtitleRules = z.infer<typeof SubtitleRules>

export const WhisperModelInfo = z.object({
  name: z.string(),
  sizeMiB: z.number(),
  languages: z.enum(['multilingual', 'english']),
  /** the catalog's rating; null for an imported file, which nobody has rated */
  speed: z.enum(['fastest', 'fast', 'medium', 'slow']).nullable(),
  accuracy: z.enum(['basic', 'good', 'better', 'best']).nullable(),
  quantized: z.boolean(),
  installed: z.boolean(),
  path: z.string().nullable(),
  recommended: z.boolean(),
  downloadable: z.boolean(),
  /** "Test this computer": seconds of work per second of audio on this machine's backend in use */
  measuredRtf: z.number().nullable().optional(),
})
export type WhisperModelInfo = z.infer<typeof WhisperModelInfo>
