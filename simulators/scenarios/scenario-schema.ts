import { z } from 'zod'
import { AlertLevelSchema } from '../../core/contracts/alert.js'
import { DEVICE_ID_PATTERN } from '../../core/contracts/topics.js'

const Minute = z.number().nonnegative()
const DeviceId = z.string().regex(DEVICE_ID_PATTERN)
/** A piecewise-linear curve: [minutes from the scenario start, value], minutes rising. */
const Curve = z
  .array(z.tuple([Minute, z.number()]))
  .min(2)
  .refine((c) => c.every((p, i) => i === 0 || p[0] > (c[i - 1]?.[0] ?? -1)), 'minutes must rise')
export type Curve = z.infer<typeof Curve>

/** How one low point fills: runoff above the drain capacity ponds, then drains away. */
const PondingSchema = z.object({
  deviceId: DeviceId,
  capacityMmh: z.number().positive(),
  cmPerMm: z.number().positive(),
  drainCmPerMin: z.number().positive(),
})
export type Ponding = z.infer<typeof PondingSchema>

const Window = { startMin: Minute, endMin: Minute }

export const EffectSchema = z.discriminatedUnion('type', [
  // Town-wide rain intensity in mm/h; every low point ponds by its own drain capacity.
  z.object({ type: z.literal('rain'), mmh: Curve, ponding: z.array(PondingSchema).default([]) }),
  z.object({
    type: z.literal('water_burst'),
    dma: z.string().min(1),
    ...Window,
    pressureDrop: z.number().min(0).max(1),
    flowRise: z.number().min(0),
  }),
  z.object({ type: z.literal('gas_leak'), deviceId: DeviceId, lelPct: Curve }),
  z.object({
    type: z.literal('construction_noise'),
    deviceId: DeviceId,
    ...Window,
    laeqDb: z.number(),
    lmaxDb: z.number(),
  }),
  // PM2.5 in µg/m³ the episode holds the air stations at (all, or those of the named
  // districts); the ambient level shows through when it is higher.
  z.object({ type: z.literal('pollution'), pm25Ugm3: Curve, districts: z.array(z.string()).optional() }),
  z.object({ type: z.literal('power_outage'), district: z.string().min(1), ...Window }),
  z.object({ type: z.literal('device_silent'), deviceId: DeviceId, ...Window }),
])
export type Effect = z.infer<typeof EffectSchema>

export const ExpectedAlertSchema = z.object({
  ruleId: z.string().regex(/^[a-z]+\.[a-z_]+$/),
  deviceId: DeviceId,
  level: AlertLevelSchema,
})
export type ExpectedAlert = z.infer<typeof ExpectedAlertSchema>

export const ScenarioSchema = z.object({
  name: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  description: z.string().min(1),
  /** Local time (Asia/Shanghai) the scenario starts at when replayed on its own, e.g. "23:00". */
  localStart: z
    .string()
    .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/)
    .optional(),
  durationMin: z.number().int().positive(),
  /** Mild enough to run now and then on the demo screen. */
  gentle: z.boolean().default(false),
  effects: z.array(EffectSchema).min(1),
  expectedAlerts: z.array(ExpectedAlertSchema),
})
export type Scenario = z.infer<typeof ScenarioSchema>

/** A scenario playing in simulated time from `startMs`. */
export interface ScenarioRun {
  readonly scenario: Scenario
  readonly startMs: number
}

/** What the profiles see of the scenarios: the runs in play. */
export interface ScenarioState {
  readonly runs: readonly ScenarioRun[]
}

export const NO_SCENARIO: ScenarioState = { runs: [] }
