import type { HandlersOf } from '../../shared/contract'
import type { BenchRunner } from './bench'
import type { HardwareService } from './hardware-service'

/** What this computer can run, and the built-in speed test. */
export function hardwareHandlers(deps: { hardware: HardwareService; bench: BenchRunner }): HandlersOf<'hardware'> {
  return {
    'hardware.status': async ({ refresh }) => deps.hardware.status(refresh),
    'hardware.bench': async (input) => deps.bench.run(input),
  }
}
