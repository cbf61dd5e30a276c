import { describe, expect, it } from 'vitest'
import { gpuInUse } from '../../src/core/local-llm/gpu-in-use'

describe('where the built-in engine runs', () => {
  it('Vulkan on Mesa’s software device (lavapipe / llvmpipe) is the CPU, not a GPU', () => {
    expect(gpuInUse('vulkan', ['llvmpipe (LLVM 15.0.7, 256 bits)'])).toBe(false)
    expect(gpuInUse('vulkan', ['SwiftShader Device (Subzero)'])).toBe(false)
  })

  it('a Vulkan or CUDA backend that names no device at all is not a GPU either', () => {
    expect(gpuInUse('vulkan', [])).toBe(false)
    expect(gpuInUse('cuda', [])).toBe(false)
  })

  it('a real device is a GPU, also beside a software one; Metal is the Mac’s GPU; no backend is the CPU', () => {
    expect(gpuInUse('vulkan', ['llvmpipe (LLVM 15.0.7, 256 bits)', 'AMD Radeon RX 6600 (RADV NAVI23)'])).toBe('vulkan')
    expect(gpuInUse('cuda', ['NVIDIA GeForce RTX 3060'])).toBe('cuda')
    expect(gpuInUse('metal', [])).toBe('metal')
    expect(gpuInUse(false, ['NVIDIA GeForce RTX 3060'])).toBe(false)
  })
})
