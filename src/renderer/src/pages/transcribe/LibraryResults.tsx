import { useTranslation } from 'react-i18next'
import type { LibraryHit } from '../../../../shared/calls/library-calls'
import { AsyncView } from '../../components/AsyncView'
import { useFormat } from '../../i18n/format'
import { useCall } from '../../lib/use-call'

/**
 * The library's search results: each transcript with its best hits, each hit opening it at that
 * segment, or — a hit in an enhanced text — with that enhanced version shown.
 */
export function LibraryResults({ query }: { query: string }) {
  const { t } = useTranslation()
  const f = useFormat()
  const found = useCall('library.search', { query, limit: 50 }, ['transcripts.changed'])
  return (
    <AsyncView state={found}>
      {(results) =>
        results.length === 0 ? (
          <p className="empty">{t('transcribe.noMatch', { query })}</p>
        ) : (
          <>
            <p className="muted" role="status">
              {t('library.results', { count: results.length })}
            </p>
            <ul className="history" data-testid="transcripts">
              {results.map(({ transcript: m, hits }) => (
                <li key={m.id} data-testid="search-result">
                  <a href={`#/transcript/${m.id}`} aria-label={t('library.open', { file: m.fileName })}>
                    <strong>{m.fileName}</strong>
                  </a>{' '}
                  <span className="muted">{f.dateTime(m.createdAt)}</span>
                  <div className="search-hits">
                    {hits.map((h, i) => (
                      <p key={i}>
                        {h.kind === 'enhanced' && h.enhancement ? (
                          <a
                            href={`#/transcript/${m.id}/version/${encodeURIComponent(h.enhancement.id)}`}
                            aria-label={t('library.openVersion', { file: m.fileName, model: h.enhancement.model })}
                          >
                            {t('library.inEnhanced', { model: h.enhancement.model })}
                          </a>
                        ) : h.kind === 'segment' && h.start !== null ? (
                          <a
                            href={`#/transcript/${m.id}/${h.segmentId}`}
                            aria-label={t('library.openAt', { file: m.fileName, time: f.duration(h.start) })}
                          >
                            {f.duration(h.start)}
                          </a>
                        ) : (
                          <span className="muted">{h.kind === 'name' ? t('library.inName') : t('library.inSpeaker')}</span>
                        )}{' '}
                        <Marked parts={h.parts} />
                      </p>
                    ))}
                  </div>
                </li>
              ))}
            </ul>
          </>
        )
      }
    </AsyncView>
  )
}

function Marked({ parts }: { parts: LibraryHit['parts'] }) {
  return <span>{parts.map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}</span>
}
