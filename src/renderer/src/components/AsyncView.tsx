import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { errorText } from '../lib/error-text'
import type { CallState } from '../lib/use-call'

/** Loading and error states every page shares. */
export function AsyncView<T>({ state, children }: { state: CallState<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation()
  if (state.error) {
    return (
      <div role="alert" className="error-box">
        <strong>{t('app.errorTitle')}</strong>
        <p>{t('errors.generic', { message: errorText(state.error) })}</p>
        <button type="button" onClick={state.reload}>
          {t('app.retry')}
        </button>
      </div>
    )
  }
  if (state.data === undefined) return <p aria-busy="true">{t('app.loading')}</p>
  return <>{children(state.data)}</>
}
