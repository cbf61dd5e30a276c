/** A model download's progress bar with its caption (received / total, and whatever else the list shows). */
export function DownloadBar({
  label,
  receivedBytes,
  totalBytes,
  caption,
}: {
  label?: string
  receivedBytes: number
  totalBytes: number | null
  caption: string
}) {
  const percent = totalBytes ? (100 * receivedBytes) / totalBytes : 0
  return (
    <div className="job-progress">
      <div
        className="bar"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
      >
        <div className="bar-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="muted">{caption}</span>
    </div>
  )
}
