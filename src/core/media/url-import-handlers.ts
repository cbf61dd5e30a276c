import type { HandlersOf } from '../../shared/contract'
import type { UrlImports } from './url-import'

/** Media from a link: start (notice, queue), cancel, the list, and which tool fetches pages. */
export function urlImportHandlers(urlImports: UrlImports): HandlersOf<'urlImport'> {
  return {
    'urlImport.start': async ({ url, options, noticeShown, queue }) => urlImports.start(url, options, { noticeShown, queue }),
    'urlImport.cancel': async ({ id }) => ({ cancelled: urlImports.cancel(id) }),
    'urlImport.list': async () => urlImports.list(),
    'urlImport.tool': async () => urlImports.tool(),
  }
}
