import { expect, onTestFinished, test } from 'vitest'
import type { Case } from '../../../core/contracts/case.js'
import { startTestPlatform, type TestPlatform } from '../../helpers/platform.js'
import { eventually } from '../../helpers/wait-for.js'
import { apiOf, caseOf, raiseWaterlogging, stepsOf } from './helpers.js'

test('open cases and their deadlines survive a restart; a deadline passed while down escalates at once', async () => {
  // Orange keeps its default 15 min; red gets 3 s to accept, so it falls due while the platform is down.
  const env = { CASE_DEADLINES: 'red:3s/1h' }
  const first = await startTestPlatform(env)
  const restarted: TestPlatform[] = []
  onTestFinished(async () => {
    for (const p of restarted) await p.stop()
    await first.destroy()
  })
  const api1 = apiOf(first.httpUrl)
  const red = await caseOf(api1, (await raiseWaterlogging(api1, first.mqttUrl)).id)
  const orange = await caseOf(api1, (await raiseWaterlogging(api1, first.mqttUrl, { depthCm: 40, level: 'orange' })).id)
  await api1('POST', `/api/cases/${orange.id}/accept`, { by: '李四' })
  await first.stop()
  expect(red.escalations).toBe(0)

  // Wait (bounded) until the red deadline has passed with nobody running, then start on the same data.
  await eventually(() => Date.now() > Date.parse(red.due ?? ''), { what: 'the red deadline to pass' })
  const second = await startTestPlatform(env, first.dataDir)
  restarted.push(second)
  const api2 = apiOf(second.httpUrl)

  const escalated = await eventually(
    async () => {
      const c = (await api2<Case>('GET', `/api/cases/${red.id}`)).body
      return c.escalations > 0 ? c : undefined
    },
    { what: 'the overdue case to escalate after the restart', timeoutMs: 2_000 },
  )
  expect(stepsOf(escalated).slice(0, 2)).toEqual(['dispatch', 'escalate:unit'])
  const kept = (await api2<Case>('GET', `/api/cases/${orange.id}`)).body
  expect(kept).toMatchObject({
    state: 'accepted',
    escalations: 0,
    history: [{ action: 'dispatch' }, { action: 'accept', by: '李四' }],
  })
  expect(Date.parse(kept.due ?? '') - Date.parse(kept.history[1]?.at ?? '')).toBe(120 * 60_000)
  const next = await api2<Case>('POST', `/api/cases/${red.id}/accept`, { by: '王五' })
  expect(next.body.state).toBe('accepted')
})
