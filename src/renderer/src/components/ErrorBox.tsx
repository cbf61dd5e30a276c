/** A failure said where it happened, read out at once (role alert); nothing when there is none. */
export function ErrorBox({ error }: { error: string | null | undefined }) {
  return error ? (
    <p role="alert" className="error-box">
      {error}
    </p>
  ) : null
}
