import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { ensureServices } from './setup/ensure-services.js'

/**
 * `npm test`: installs the real services the tests need, then runs the
 * static checks and every vitest project, and ends with one plain
 * `N passed, N failed` line (each static check counts as one test).
 */
const say = (line: string) => console.log(`[npm test] ${line}`)
let passed = 0
let failed = 0

function check(name: string, command: string, args: string[]): void {
  say(`${name}: ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, { stdio: 'inherit' })
  if (result.status === 0) passed += 1
  else {
    failed += 1
    say(`${name} FAILED (exit ${result.status ?? result.signal})`)
  }
}

ensureServices(say)

check('typecheck', 'npx', ['--no-install', 'tsc', '--noEmit', '-p', '.'])
check('lint', 'npx', ['--no-install', 'eslint', '.'])
check('format', 'npx', ['--no-install', 'prettier', '--check', '.'])

/** One vitest run with its own JSON report; its tests count in the summary line. */
function vitestRun(name: string, projects: readonly string[]): void {
  const report = `test-results/vitest-${name}.json`
  mkdirSync('test-results', { recursive: true })
  rmSync(report, { force: true })
  const args = projects.flatMap((p) => ['--project', p])
  say(`vitest ${name}: ${args.join(' ')}`)
  const vitest = spawnSync(
    'npx',
    ['--no-install', 'vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { stdio: 'inherit' },
  )
  const before = failed
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number
      numFailedTests: number
      numTotalTests: number
      numPendingTests: number
      numTodoTests: number
      success: boolean
    }
    passed += summary.numPassedTests
    failed += summary.numFailedTests
    const skipped = summary.numPendingTests + summary.numTodoTests
    // A suite that fails to load counts no test but fails the run.
    if (!summary.success && summary.numFailedTests === 0) failed += 1
    if (skipped > 0) say(`${skipped} tests were skipped or todo`)
  } catch (err) {
    say(`vitest ${name} wrote no readable report (exit ${vitest.status ?? vitest.signal}): ${String(err)}`)
    failed += 1
  }
  if (vitest.status !== 0 && failed === before) failed += 1
}

vitestRun('main', ['unit', 'integration', 'e2e'])
// The cluster (README "Scale-out") after the rest: it starts its own servers and six processes.
vitestRun('cluster', ['cluster'])

console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed === 0 ? 0 : 1
