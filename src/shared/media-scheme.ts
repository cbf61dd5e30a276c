/** The Electron scheme transcript media plays from (mp4totext-media://transcript/<id>). */
export const MEDIA_SCHEME = 'mp4totext-media'
