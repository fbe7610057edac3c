import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core'

/** Flags for Debian's Chromium in a container: no sandbox, no GPU, no calls home. */
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export async function launchChromium(executablePath: string): Promise<Browser> {
  if (!executablePath)
    throw new Error("Chromium is missing: run 'apt-get install -y chromium' (npm test does this as root)")
  return chromium.launch({ executablePath, args: ARGS })
}

export interface WatchedPage {
  readonly page: Page
  /** Console errors and uncaught page errors, except the allowed ones. */
  readonly errors: string[]
}

/**
 * A page on a wall-screen viewport that records console errors. A 404 of an
 * optional endpoint in `allow404` is expected while that service is not
 * deployed, and the screen shows "—" for it.
 */
export async function openWatchedPage(browser: Browser, allow404: readonly string[] = []): Promise<WatchedPage> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } })
  const errors: string[] = []
  const missing = new Set<string>()
  page.on('response', (res) => {
    if (res.status() === 404) missing.add(new URL(res.url()).pathname)
  })
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error') return
    const where = msg.location().url ? new URL(msg.location().url).pathname : ''
    if (msg.text().includes('404') && allow404.includes(where)) return
    errors.push(`${msg.text()} (${where})`)
  })
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`))
  return { page, errors }
}
