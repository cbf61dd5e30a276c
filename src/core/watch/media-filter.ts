import path from 'node:path'
import { mediaExtensions } from '../media/regular-file'

/**
 * Is this name a media file a folder run or watch folder takes? By extension (the app's one
 * list); hidden names are left alone: they are other programs' partial downloads and this
 * app's own temp outputs.
 */
export function isMediaName(file: string): boolean {
  const name = path.basename(file)
  if (name.startsWith('.')) return false
  return mediaExtensions.includes(path.extname(name).toLowerCase())
}
