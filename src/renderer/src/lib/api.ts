import type { Api } from '../../../shared/contract'
import { watchConnection } from './connection'
import { createHttpApi } from './http-api'

declare global {
  interface Window {
    api?: Api
  }
}

const TOKEN_KEY = 'mp4totext.token'

/**
 * The only module that touches `window.api`. In Electron the preload provides it; served by the
 * web host, the token arrives once in the URL and is moved to sessionStorage so it does not stay
 * in the address bar or the history.
 */
function resolveApi(): Api {
  if (window.api) return window.api
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(null, '', url.toString())
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? ''
  return createHttpApi(window.location.origin, token)
}

export const api: Api = watchConnection(resolveApi())
