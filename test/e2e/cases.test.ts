import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js'
import { apiOf, raiseWaterlogging, type Api } from '../integration/cases/helpers.js'
import { launchChromium, openWatchedPage, type WatchedPage } from './helpers/browser.js'

const SHOTS = path.resolve('test-results/screenshots')

let tp: TestPlatform
let api: Api
let browser: Browser
let watched: WatchedPage
let page: Page

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true })
  tp = await startTestPlatform()
  api = apiOf(tp.httpUrl)
  browser = await launchChromium(inject('chromiumPath'))
  watched = await openWatchedPage(browser)
  page = watched.page
  await page.goto(tp.httpUrl)
  await page.locator('#link[data-state="up"]').waitFor()
})

afterAll(async () => {
  await browser?.close()
  await tp?.destroy()
})

describe('case view in the dashboard (contract §6)', () => {
  test('an operator dispatches a yellow alert from its row in one click', async () => {
    const alert = await raiseWaterlogging(api, tp.mqttUrl, { depthCm: 20, level: 'yellow' })
    const row = page.locator(`#alerts li[data-alert="${alert.id}"]`)
    await row.locator('button.case-link.dispatch').click()
    await page.fill('#operator input', '值班员张三')
    await page.click('#operator button[value="ok"]')

    const card = page.locator('#case-detail .case-card[data-state="dispatched"]')
    await card.waitFor()
    expect(await card.textContent()).toContain('县排水管理所')
    expect(await page.locator('#case-detail .timeline li[data-step="dispatch"]').textContent()).toContain('值班员张三')
    // The alert row now links to its case instead of offering a second dispatch.
    await row.locator('button.case-link', { hasText: '案件 · 已派单' }).waitFor()
    expect(watched.errors).toEqual([])
  })

  test('a red waterlogging alert opens a case for drainage by itself; accept, report and verify on screen; the figures show it', async () => {
    const alert = await raiseWaterlogging(api, tp.mqttUrl, { district: 'laocheng' })
    const caseRow = page.locator('#cases li[data-case][data-unit="drainage"]').filter({ hasText: alert.deviceId })
    await caseRow.waitFor()
    expect(await caseRow.getAttribute('data-state')).toBe('dispatched')
    const caseId = await caseRow.getAttribute('data-case')
    // Open cases by deadline: red (5 min) comes before yellow (60 min).
    expect(await page.locator('#cases li[data-case]').first().textContent()).toContain(alert.deviceId)
    await caseRow.click()
    await page.locator('.cases-view').screenshot({ path: path.join(SHOTS, 'cases-dispatched.png') })

    await page.click('#case-detail button[data-action="accept"]')
    await page.locator('#case-detail .case-card[data-state="accepted"]').waitFor()
    await page.fill('#case-detail .case-note', '已抽排，积水退去')
    await page.click('#case-detail button[data-action="report"]')
    await page.locator('#case-detail .case-card[data-state="reported"]').waitFor()
    await page.click('#case-detail button[data-action="verify"]')
    await page.locator('#case-detail .case-card[data-state="closed"]').waitFor()

    const steps = await page
      .locator('#case-detail .timeline li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-step')))
    expect(steps).toEqual(['dispatch', 'accept', 'report', 'verify'])
    expect(await page.locator('#case-detail .timeline li[data-step="report"] .note').textContent()).toBe(
      '已抽排，积水退去',
    )
    await page.locator('#unit-figures tr[data-unit="drainage"] td[data-fig="closed"]', { hasText: '1' }).waitFor()
    expect(await page.locator('#unit-figures tr[data-unit="drainage"] td[data-fig="cases"]').textContent()).toBe('2')
    // A closed case leaves the open list, and shows again with the closed ones.
    await caseRow.waitFor({ state: 'detached' })
    await page.check('#cases-closed')
    await page.locator(`#cases li[data-case="${caseId}"][data-state="closed"]`).waitFor()
    await page.locator('.cases-view').screenshot({ path: path.join(SHOTS, 'cases-closed.png') })

    const stored = await api<{ state: string; history: { by: string }[] }>('GET', `/api/cases/${caseId}`)
    expect(stored.body.state).toBe('closed')
    expect(stored.body.history.slice(1).every((s) => s.by === '值班员张三')).toBe(true)
    expect(watched.errors).toEqual([])
  })

  test('the case view switches to English and back', async () => {
    await page.click('#lang')
    await page.locator('.cases-view h2', { hasText: 'Open cases by deadline' }).waitFor()
    await page.locator('#unit-figures h3', { hasText: 'Unit performance' }).waitFor()
    await page.locator('#case-detail .case-card .state', { hasText: 'Closed' }).waitFor()
    await page.screenshot({ path: path.join(SHOTS, 'cases-en.png') })
    await page.click('#lang')
    await page.locator('.cases-view h2', { hasText: '待办案件' }).waitFor()
    expect(watched.errors).toEqual([])
  })
})
