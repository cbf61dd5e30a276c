import type { RollupLog } from 'rollup'

/** zod ships `@__PURE__` comments Rollup cannot place; harmless, so not shown on every build. */
export function onwarn(warning: RollupLog, warn: (w: RollupLog) => void): void {
  if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/zod/')) return
  warn(warning)
}
