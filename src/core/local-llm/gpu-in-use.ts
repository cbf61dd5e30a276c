/** Vulkan drivers that run on the processor: Mesa's lavapipe (llvmpipe), softpipe, Google's SwiftShader. */
const SOFTWARE_DEVICE = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render/i

/**
 * The GPU backend the engine really computes on, or false for the CPU. node-llama-cpp reports
 * "vulkan" whenever its Vulkan binary loads, which it does on Mesa's software device too: a
 * backend counts as a GPU only with a device that is not a software renderer. Metal is the Mac's
 * own GPU and lists no devices.
 */
export function gpuInUse(backend: false | string, deviceNames: string[]): false | string {
  if (backend === false) return false
  if (backend === 'metal') return backend
  return deviceNames.some((n) => !SOFTWARE_DEVICE.test(n)) ? backend : false
}
