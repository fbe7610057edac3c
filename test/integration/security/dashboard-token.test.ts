import { randomUUID } from 'node:crypto'
import { expect, inject, onTestFinished, test } from 'vitest'
import type { TokenCreated } from '../../../core/contracts/auth.js'
import { launchChromium } from '../../e2e/helpers/browser.js'
import { securePlatformForTest } from './harness.js'

test('the dashboard asks for a token once, keeps it, and goes live with it', async () => {
  const admin = `admin-${randomUUID()}`
  const sp = await securePlatformForTest({ ADMIN_TOKEN: admin })
  const viewer = await sp.api<TokenCreated>('POST', '/api/tokens', {
    token: admin,
    body: { name: 'wall', role: 'viewer' },
  })
  await sp.api('PUT', '/api/devices/ion-wall', { token: admin, body: { kind: 'ion' } })

  const browser = await launchChromium(inject('chromiumPath'))
  onTestFinished(() => browser.close())
  const page = await browser.newPage()
  const prompts: string[] = []
  page.on('dialog', (dialog) => {
    prompts.push(dialog.type())
    void dialog.accept(viewer.body.token)
  })
  await page.goto(sp.httpUrl)
  await page.locator('#link[data-state="up"]').waitFor()
  expect(await page.evaluate(() => window.localStorage.getItem('city-ops.token'))).toBe(viewer.body.token)
  await expect.poll(() => page.locator('[data-tile="ion"] .total').textContent()).toBe('1')

  // A reload uses the kept token without asking again.
  await page.reload()
  await page.locator('#link[data-state="up"]').waitFor()
  await expect.poll(() => page.locator('[data-tile="ion"] .total').textContent()).toBe('1')
  expect(prompts).toEqual(['prompt'])
})
