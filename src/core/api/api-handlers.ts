import type { HandlersOf } from '../../shared/contract'
import type { ApiService } from './api-server'

/** The transcription API's state and its key, for Settings. */
export function apiHandlers(api: ApiService): HandlersOf<'api'> {
  return {
    'api.status': async () => api.status(),
    'api.token': async () => ({ token: await api.token() }),
  }
}
