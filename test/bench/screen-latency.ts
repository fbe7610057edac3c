import { EventEmitter } from 'node:events'
import { parseArgs } from 'node:util'
import mqtt from 'mqtt'
import type { CDPSession, Page } from 'playwright-core'
import { launchChromium } from '../e2e/helpers/browser.js'
import { telemetryTopic } from '../../core/contracts/topics.js'
import { eventually, waitForEvent } from '../helpers/wait-for.js'
import { lagBetween, lagBuckets, withPlatform } from './bench-platform.js'
import { startLoad } from './load.js'
import { isMain, loadAvg, ms, quantile, sleep, type SummaryRow } from './report.js'

/**
 * Screen latency, a part of `npm run bench`: the dashboard in Debian's
 * Chromium while 2,000 devices report 2,000 readings/s. A probe water device,
 * open in the device detail view, sends a distinctive depth; a
 * MutationObserver in the page reports when `#detail dd[data-metric=depth_cm]`
 * (dashboard/public/charts.js refreshLatest) shows it. Also the page's
 * main-thread busy time from the DevTools Performance metrics.
 */
const OPTIONS = {
  rate: { type: 'string', default: '2000' },
  devices: { type: 'string', default: '2000' },
  probes: { type: 'string', default: '50' },
  'every-ms': { type: 'string', default: '600' },
  warmup: { type: 'string', default: '5' },
} as const
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS }).values

declare global {
  interface Window {
    cityOpsBenchSeen?: (text: string, at: number) => void
  }
}

interface ScreenResult {
  latencies: number[]
  probes: number
  taskPct: number
  scriptPct: number
  achieved: number
  /** Publish→stored of all readings during the probes: the platform's share of the delay. */
  stored: { p50: number; p99: number }
  loadAvg: string
}

/** Sum of TaskDuration and ScriptDuration (seconds) from CDP Performance.getMetrics. */
async function busy(cdp: CDPSession): Promise<{ task: number; script: number; at: number }> {
  const { metrics } = await cdp.send('Performance.getMetrics')
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0
  return { task: get('TaskDuration'), script: get('ScriptDuration'), at: Date.now() }
}

/** Opens the probe device in the detail view and reports every new text of its depth figure. */
async function watchProbe(page: Page, httpUrl: string, deviceId: string, seen: EventEmitter): Promise<void> {
  await page.exposeFunction('cityOpsBenchSeen', (text: string, at: number) => seen.emit('seen', text, at))
  await page.goto(`${httpUrl}/`)
  // The search finds devices of the snapshot, which lands after the link is up (dashboard/public/live.js).
  await page.locator(`#device-list option[value="${deviceId}"]`).waitFor({ state: 'attached', timeout: 30_000 })
  await page.fill('#search', deviceId)
  await page.press('#search', 'Enter')
  await page.locator('#detail dd[data-metric="depth_cm"]').waitFor({ timeout: 30_000 })
  await page.evaluate(() => {
    const root = document.getElementById('detail')
    if (!root) throw new Error('no #detail on the page')
    let last = ''
    new MutationObserver(() => {
      const text = root.querySelector('dd[data-metric="depth_cm"]')?.textContent ?? ''
      if (text === last) return
      last = text
      window.cityOpsBenchSeen?.(text, performance.timeOrigin + performance.now())
    }).observe(root, { subtree: true, childList: true, characterData: true })
  })
}

async function measure(argv: string[]): Promise<ScreenResult> {
  const args = parse(argv)
  const probes = Number(args.probes)
  const everyMs = Number(args['every-ms'])
  return withPlatform({}, async (platform) => {
    const prefix = `s${Date.now().toString(36)}`
    const deviceId = `${prefix}-probe`
    const probe = await mqtt.connectAsync(platform.mqttUrl, { clientId: `${prefix}-probe`, reconnectPeriod: 0 })
    const topic = telemetryTopic('water', deviceId)
    // Depths of 1.01…1.99 cm: distinct on the screen (two decimals) and below every waterlogging tier.
    const depth = (i: number) => 1 + (i % 99) / 100 + 0.01
    const send = async (i: number) => {
      const ts = Date.now()
      await probe.publishAsync(topic, JSON.stringify({ ts, values: { depth_cm: depth(i) } }), { qos: 1 })
      return ts
    }
    await send(-1)
    await eventually(async () => (await fetch(`${platform.httpUrl}/api/telemetry/${deviceId}?from=0`)).ok, {
      what: 'the probe device registered',
    })
    const load = startLoad({
      mqttUrl: platform.mqttUrl,
      rate: Number(args.rate),
      durationS: 600,
      qos: 1,
      batch: 1,
      devices: Number(args.devices),
      publishers: 4,
      prefix,
      mix: true,
    })
    const browser = await launchChromium('/usr/bin/chromium')
    try {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
      page.on('pageerror', (err) => console.error('page error', err))
      const seen = new EventEmitter()
      await sleep(Number(args.warmup) * 1000)
      await watchProbe(page, platform.httpUrl, deviceId, seen)
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('Performance.enable')
      const before = await busy(cdp)
      const lagBefore = await lagBuckets(platform.httpUrl)
      const latencies: number[] = []
      for (let i = 0; i < probes; i++) {
        const expected = `${depth(i).toFixed(2)} `
        const shown = waitForEvent<[string, number]>(seen, 'seen', (text) => text.startsWith(expected), 5_000)
        const sentAt = await send(i)
        const [, at] = await shown.catch((err: unknown) => {
          console.error(`probe ${i} not shown`, err)
          return ['', NaN] as const
        })
        if (Number.isFinite(at)) latencies.push(at - sentAt)
        await sleep(Math.max(0, everyMs - (Date.now() - sentAt)))
      }
      const after = await busy(cdp)
      const stored = lagBetween(lagBefore, await lagBuckets(platform.httpUrl))
      const wallS = (after.at - before.at) / 1000
      const taken = loadAvg()
      const result = await load.stop()
      return {
        latencies,
        probes,
        taskPct: ((after.task - before.task) / wallS) * 100,
        scriptPct: ((after.script - before.script) / wallS) * 100,
        achieved: result.achieved,
        stored,
        loadAvg: taken,
      }
    } finally {
      await browser.close()
      await probe.endAsync()
      await load.stop().catch((err: unknown) => console.error('background load failed', err))
    }
  })
}

/** Answers one row: publish → visible p50/p95 and the page's main-thread busy share. */
export async function runScreenLatency(argv: string[]): Promise<SummaryRow[]> {
  const r = await measure(argv)
  const p50 = quantile(r.latencies, 0.5)
  const p95 = quantile(r.latencies, 0.95)
  console.log(
    `screen  load ${parse(argv).rate}/s (achieved ${r.achieved}/s): ${r.latencies.length}/${r.probes} probes shown, ` +
      `publish→visible p50 ${ms(p50)}, p95 ${ms(p95)}, max ${ms(Math.max(...r.latencies))}; main thread busy ` +
      `${r.taskPct.toFixed(1)} % (script ${r.scriptPct.toFixed(1)} %); all readings publish→stored ` +
      `p50 ${ms(r.stored.p50)}, p99 ${ms(r.stored.p99)}  [load avg ${r.loadAvg}]`,
  )
  return [
    {
      part: 'screen',
      case: `${parse(argv).rate}/s, detail view`,
      figure: `p50 ${ms(p50)}, p95 ${ms(p95)}, n=${r.latencies.length}/${r.probes}, busy ${r.taskPct.toFixed(1)} %; stored p99 ${ms(r.stored.p99)}`,
      load: r.loadAvg,
    },
  ]
}

if (isMain(import.meta.url)) await runScreenLatency(process.argv.slice(2))
