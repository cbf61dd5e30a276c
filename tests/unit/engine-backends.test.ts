import { describe, expect, it } from 'vitest'
import { chooseBackend, parseVulkanDevices } from '../../src/core/hardware/backends'
import { recommendFromBench } from '../../src/core/hardware/recommend'
import type { BackendProbe, BenchResult } from '../../src/shared/calls/hardware-calls'

const cpu: BackendProbe = { backend: 'cpu', installed: true, usable: true, devices: [], reason: null }
const vulkan = (out: string): BackendProbe => {
  const devices = parseVulkanDevices(out)
  return {
    backend: 'vulkan',
    installed: true,
    usable: devices.length > 0,
    devices,
    reason: devices.some((d) => d.kind === 'gpu') ? null : 'CPU implementation',
  }
}
const LAVAPIPE = 'devices 1\ndevice 0\tcpu\t1.3.230\tllvmpipe (LLVM 15.0.6, 256 bits)\n'
const TWO =
  'devices 2\ndevice 0\tcpu\t1.3.230\tllvmpipe (LLVM 15.0.6, 256 bits)\ndevice 1\tdiscrete\t1.3.280\tNVIDIA GeForce RTX 4070\n'
const row = (model: string, backend: BenchResult['backend'], rtf: number): BenchResult => ({
  model,
  backend,
  device: backend,
  rtf,
  audioSec: 30,
  elapsedSec: rtf * 30,
  at: '2026-01-01T00:00:00.000Z',
})

describe('engine backends: what a device is, and which build runs the work', () => {
  it('a Vulkan device that is a CPU implementation (lavapipe) is "software", never a GPU', () => {
    expect(parseVulkanDevices(LAVAPIPE)).toEqual([
      { backend: 'vulkan', index: 0, name: 'llvmpipe (LLVM 15.0.6, 256 bits)', kind: 'software' },
    ])
    expect(parseVulkanDevices(TWO).map((d) => d.kind)).toEqual(['software', 'gpu'])
  })

  it('auto never picks a CPU implementation; forced, it runs on it by index', () => {
    const probes = [cpu, vulkan(LAVAPIPE)]
    const auto = chooseBackend(probes, 'auto')
    expect(auto).toMatchObject({ backend: 'cpu', kind: 'cpu' })
    expect(auto.fallbackReason).toMatch(/vulkan: CPU implementation/)
    expect(chooseBackend(probes, 'vulkan')).toMatchObject({
      backend: 'vulkan',
      kind: 'software',
      device: 'llvmpipe (LLVM 15.0.6, 256 bits)',
      env: { GGML_VK_VISIBLE_DEVICES: '0' },
    })
  })

  it('auto picks the real GPU (its own index), the CPU when forced, and the CPU with the reason when the GPU build failed', () => {
    const probes = [cpu, vulkan(TWO)]
    expect(chooseBackend(probes, 'auto')).toMatchObject({
      backend: 'vulkan',
      kind: 'gpu',
      env: { GGML_VK_VISIBLE_DEVICES: '1' },
      fallbackReason: null,
    })
    expect(chooseBackend(probes, 'cpu')).toMatchObject({ backend: 'cpu', fallbackReason: null })
    const failed = chooseBackend(probes, 'auto', [], { vulkan: 'the vulkan build did not start: exit 1' })
    expect(failed).toMatchObject({ backend: 'cpu', fallbackReason: 'vulkan: the vulkan build did not start: exit 1' })
    // a backend that is not built cannot be forced: the CPU runs the work, and says why
    expect(chooseBackend(probes, 'cuda')).toMatchObject({ backend: 'cpu' })
    expect(chooseBackend(probes, 'cuda').fallbackReason).toMatch(/^cuda: /)
  })

  it('measured speed decides between the GPU and the CPU', () => {
    const probes = [cpu, vulkan(TWO)]
    expect(chooseBackend(probes, 'auto', [row('base', 'vulkan', 0.05), row('base', 'cpu', 0.4)]).backend).toBe('vulkan')
    const slow = chooseBackend(probes, 'auto', [row('base', 'vulkan', 0.9), row('base', 'cpu', 0.4)])
    expect(slow.backend).toBe('cpu')
    expect(slow.fallbackReason).toMatch(/measured slower than the CPU/)
    // the page words it from the figures, in its own language
    expect(slow.fallbackWhy).toEqual([{ backend: 'vulkan', key: 'slower', rtf: 0.9, cpuRtf: 0.4 }])
  })

  it('recommends the most accurate model fast enough on the backend in use, from measured speed only', () => {
    // two cores: large-v3-turbo needs twice the audio's length; small is fast enough
    const twoCores = [
      row('large-v3-turbo', 'cpu', 2.1),
      row('small', 'cpu', 0.33),
      row('base', 'cpu', 0.12),
      row('tiny', 'cpu', 0.05),
    ]
    expect(recommendFromBench(twoCores, 'cpu')).toBe('small')
    // on the GPU the same machine runs large-v3-turbo fast enough
    expect(recommendFromBench([...twoCores, row('large-v3-turbo', 'vulkan', 0.2)], 'vulkan')).toBe('large-v3-turbo')
    // nothing fast enough: the fastest measured
    expect(recommendFromBench([row('small', 'cpu', 1.5), row('base', 'cpu', 0.8)], 'cpu')).toBe('base')
    expect(recommendFromBench([], 'cpu')).toBeNull()
  })
})
