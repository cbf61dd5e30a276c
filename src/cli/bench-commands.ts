import type { Core } from '../core/app-core'
import { EngineBackend, type HardwareStatus } from '../shared/calls/hardware-calls'
import { UsageError, type Parsed } from './cli-args'
import { call } from './cli-call'

type Write = (s: string) => void

const list = (v: string | boolean | string[] | undefined): string[] | undefined =>
  Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined

/** `mp4totext bench`: measure this computer; `bench devices`: what the engine can run on. */
export async function benchCommand(core: Core, args: Parsed, out: Write, err: Write): Promise<number> {
  const json = Boolean(args.values.json)
  const [sub] = args.positionals
  if (sub === 'devices') {
    const status = await call(core, 'hardware.status', { refresh: true })
    if (json) out(`${JSON.stringify(status, null, 2)}\n`)
    else out(describe(status))
    return 0
  }
  if (sub) throw new UsageError(`Unknown bench subcommand "${sub}"`)
  const backends = list(args.values.backend)
  for (const b of backends ?? [])
    if (!EngineBackend.safeParse(b).success)
      throw new UsageError(`Unknown backend "${b}". Choose one of: ${EngineBackend.options.join(', ')}`)
  const off = core.events.subscribe((name, payload) => {
    if (name !== 'hardware.bench' || json) return
    const p = payload as { done: number; total: number; model: string; backend: string }
    if (p.model) err(`[${p.done + 1}/${p.total}] ${p.model} on ${p.backend}…\n`)
  })
  try {
    const report = await call(core, 'hardware.bench', {
      models: list(args.values.model),
      backends: backends as EngineBackend[] | undefined,
    })
    if (json) {
      out(`${JSON.stringify(report, null, 2)}\n`)
    } else {
      out(`${report.clipSec} s of speech on ${report.machine.split('|')[1] ?? report.machine}\n`)
      for (const r of report.results)
        out(
          `  ${r.model.padEnd(22)} ${r.backend.padEnd(7)} ${r.rtf.toFixed(3)}× real time (${r.elapsedSec.toFixed(1)} s)  ${r.device}\n`,
        )
      for (const f of report.failures) out(`  ${f.model.padEnd(22)} ${f.backend.padEnd(7)} could not run: ${f.reason}\n`)
      out(
        report.recommendedModel
          ? `Recommended for this computer: ${report.recommendedModel}\n`
          : 'No recommendation: nothing could be measured.\n',
      )
      const status = await call(core, 'hardware.status', {})
      if (status.gpuUnused)
        out(
          `warning: this computer has a GPU, but transcription runs on the CPU: ${status.fallbackReason ?? 'CPU forced in the settings'}\n`,
        )
    }
    return report.results.length > 0 ? 0 : 1
  } finally {
    off()
  }
}

function describe(s: HardwareStatus): string {
  const lines = [`CPU: ${s.cpu.model} (${s.cpu.cores} threads)`]
  for (const p of s.probes) {
    if (p.backend === 'cpu') continue
    const devices = p.devices.map((d) => `${d.name} (${d.kind === 'software' ? 'CPU implementation, not a GPU' : d.kind})`)
    lines.push(
      `${p.backend}: ${p.installed ? devices.join(', ') || 'no device' : 'not installed'}${p.reason ? ` — ${p.reason}` : ''}`,
    )
  }
  lines.push(
    `Transcription uses: ${s.chosen.backend} on ${s.chosen.device}${s.setting === 'auto' ? ' (automatic)' : ` (forced: ${s.setting})`}`,
  )
  if (s.fallbackReason) lines.push(`Why not a GPU: ${s.fallbackReason}`)
  if (s.gpuUnused) lines.push('warning: this computer has a GPU, but transcription runs on the CPU')
  return `${lines.join('\n')}\n`
}
