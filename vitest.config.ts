import { defineConfig } from 'vitest/config'

/**
 * Five parts, run and reported separately by `npm test` (scripts/test.mjs), so a failure says
 * where it is: unit (pure logic, in-process), integration (the real whisper.cpp engine, ffmpeg,
 * lowdb files, SDKs and separate processes), long (integration tests that mostly wait), build
 * (the Electron bundle and packaging config), browser (real Chromium through the web host).
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          expect: { poll: { timeout: 20_000 } },
        },
      },
      {
        // tests that wait on a clock rather than work (an engine that answers after 310 s): npm
        // test runs this part beside the others, so the wait costs no time of its own
        test: { name: 'long', include: ['tests/long/**/*.test.ts'], environment: 'node', testTimeout: 60_000 },
      },
      {
        test: { name: 'build', include: ['tests/build/**/*.test.ts'], environment: 'node', testTimeout: 180_000 },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/browser/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // expect.poll's own default is 1 s: on a loaded machine a page (or a speaker model in its
          // child process) can take longer than that to answer, and a poll ends as soon as it holds
          expect: { poll: { timeout: 20_000 } },
          // two files at once, each with its own Chromium: a browser test waits on its page far
          // more than it computes (on two cores the part takes half the time, and it passed whole
          // at a load average of 18)
          maxWorkers: 2,
        },
      },
    ],
  },
})
