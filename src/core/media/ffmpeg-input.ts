import path from 'node:path'

/**
 * The demuxers a user's media file may be read with: audio and video containers that hold their
 * data in themselves. Playlists and lists (hls, concat, dash, image2, sdp…) are left out: they
 * would make ffmpeg open other local files the user never chose (the `file` protocol that reads
 * the media itself cannot tell them apart). Names are matched against ffmpeg's demuxer names,
 * e.g. "mov" is "mov,mp4,m4a,3gp,3g2,mj2" and "matroska" is "matroska,webm".
 */
export const MEDIA_DEMUXERS = [
  'mov',
  'matroska',
  'avi',
  'asf',
  'flv',
  'mpegts',
  'mpeg',
  'mxf',
  'nut',
  'rm',
  'dv',
  'wtv',
  'mp3',
  'aac',
  'loas',
  'ac3',
  'eac3',
  'dts',
  'truehd',
  'mlp',
  'wav',
  'w64',
  'aiff',
  'caf',
  'au',
  'flac',
  'ogg',
  'wv',
  'ape',
  'tta',
  'mpc',
  'mpc8',
  'amr',
  'amrnb',
  'amrwb',
  'gsm',
  'voc',
  'xwma',
  'dsf',
] as const

/**
 * Input options for every ffmpeg run on a user's file:
 * - only the `file` protocol (and `pipe` for our own output): no network, no `concat:`/`subfile:`
 *   tricks — nested opens by a demuxer inherit this list;
 * - only self-contained media demuxers (see MEDIA_DEMUXERS), so nothing else on disk is read;
 * - the path is given as a `file:` URL, so a name such as `http:x.mp4` is never a protocol.
 */
export function ffmpegInputArgs(file: string): string[] {
  return ['-protocol_whitelist', 'file,pipe', '-format_whitelist', MEDIA_DEMUXERS.join(','), '-i', `file:${path.resolve(file)}`]
}

/**
 * Read one audio stream of a user's file as whisper hears it: 16 kHz mono, no video, subtitles
 * or data; what follows (codec, container, target) is the caller's.
 */
export function monoAudioArgs(
  file: string,
  streamIndex: number | undefined,
  sampleRate: number,
  /** only this stretch, in seconds on the file's own timeline (an input seek: accurate and fast) */
  range?: { fromSec: number; toSec: number },
): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...(range ? ['-ss', range.fromSec.toFixed(3), '-to', range.toSec.toFixed(3)] : []),
    ...ffmpegInputArgs(file),
    ...(streamIndex === undefined ? [] : ['-map', `0:${streamIndex}`]),
    '-vn',
    '-sn',
    '-dn',
    '-ac',
    '1',
    '-ar',
    String(sampleRate),
    // ffmpeg otherwise flushes its output after every packet: on a pipe that is a ~1 KB write per
    // audio frame (16,000 for ten minutes), and reading those cost the app more CPU than ffmpeg's
    // own decoding — CPU taken from the engine when it runs on every core. Unflushed, the output
    // goes in 32 KB blocks and ends with the file, as before.
    '-flush_packets',
    '0',
  ]
}
