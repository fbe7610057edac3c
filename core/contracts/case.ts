import { z } from 'zod'
import { AlertLevelSchema, AlertSchema } from './alert.js'
import { UnitIdSchema, UnitSchema } from './unit.js'

/** Contract §6: `dispatched` → `accepted` → `reported` → `closed`, and `reported` → `accepted` on return. */
export const CASE_STATES = ['dispatched', 'accepted', 'reported', 'closed'] as const
export const CaseStateSchema = z.enum(CASE_STATES)
export type CaseState = z.infer<typeof CaseStateSchema>

/** What `POST /api/cases/{id}/{action}` accepts (contract §6). */
export const CASE_ACTIONS = ['accept', 'report', 'verify', 'return'] as const
export const CaseActionSchema = z.enum(CASE_ACTIONS)
export type CaseAction = z.infer<typeof CaseActionSchema>

/** The steps a case's history records: the operator's and unit's actions, and the platform's escalations. */
export const CASE_STEPS = ['dispatch', ...CASE_ACTIONS, 'escalate'] as const
export const CaseStepKindSchema = z.enum(CASE_STEPS)

/** The escalation chain of a stage past its deadline: the unit, then its supervisor, then the centre's duty leader. */
export const ESCALATION_TARGETS = ['unit', 'supervisor', 'duty_leader'] as const
export const EscalationTargetSchema = z.enum(ESCALATION_TARGETS)
export type EscalationTarget = z.infer<typeof EscalationTargetSchema>

/** One step of a case's life: who, when, the note, and the state and deadline it left the case in. */
export const CaseStepSchema = z.object({
  seq: z.number().int().positive(),
  action: CaseStepKindSchema,
  at: z.iso.datetime(),
  by: z.string(),
  note: z.string(),
  state: CaseStateSchema,
  /** The deadline of the state this step began; null once closed. Escalations repeat the one they chase. */
  due: z.iso.datetime().nullable(),
  escalation: z.object({ step: z.number().int().positive(), target: EscalationTargetSchema }).optional(),
})
export type CaseStep = z.infer<typeof CaseStepSchema>

/** A case as the platform stores it; the alert and unit are joined in when it is shown. */
export const CaseRecordSchema = z.object({
  id: z.string(),
  alertId: z.string(),
  unitId: UnitIdSchema,
  /** The alert's level when the case opened: it sets every deadline of the case. */
  level: AlertLevelSchema,
  state: CaseStateSchema,
  /** Opened by the platform (AUTO_DISPATCH_LEVEL) rather than by an operator. */
  auto: z.boolean(),
  openedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  closedAt: z.iso.datetime().nullable(),
  /** The deadline of the current state; null once closed. */
  due: z.iso.datetime().nullable(),
  /** Escalation steps taken in the current state (0 to 3). */
  escalations: z.number().int().nonnegative(),
  history: z.array(CaseStepSchema),
})
export type CaseRecord = z.infer<typeof CaseRecordSchema>

/** A case as `GET /api/cases`, the Socket.IO `case` event and the webhook carry it (contract §6). */
export const CaseSchema = CaseRecordSchema.extend({
  alert: AlertSchema.nullable(),
  unit: UnitSchema.nullable(),
  /** The latest deadline set for each stage: to accept, to report, to verify. */
  deadlines: z.object({
    accept: z.iso.datetime().nullable(),
    report: z.iso.datetime().nullable(),
    verify: z.iso.datetime().nullable(),
  }),
})
export type Case = z.infer<typeof CaseSchema>

const By = z.string().max(100)
const Note = z.string().max(2_000).optional()

/** `POST /api/alerts/{id}/dispatch`: without `unit`, routing picks it. An empty `by` is refused with its own code. */
export const DispatchBodySchema = z.object({ by: By, unit: UnitIdSchema.optional(), note: Note })
export type DispatchBody = z.infer<typeof DispatchBodySchema>

export const CaseActionBodySchema = z.object({ by: By, note: Note })
export type CaseActionBody = z.infer<typeof CaseActionBodySchema>

/** `AUTO_DISPATCH_LEVEL`: the lowest alert level that opens a case by itself, or `off`. */
export const AutoDispatchLevelSchema = z.union([AlertLevelSchema, z.literal('off')])
export type AutoDispatchLevel = z.infer<typeof AutoDispatchLevelSchema>

/** How long a case of one level may stay in each state before it escalates, in ms. */
export const StageDeadlinesSchema = z.object({
  acceptMs: z.number().int().positive(),
  reportMs: z.number().int().positive(),
  verifyMs: z.number().int().positive(),
})
export type StageDeadlines = z.infer<typeof StageDeadlinesSchema>
export type DeadlineTable = Readonly<Record<z.infer<typeof AlertLevelSchema>, StageDeadlines>>

const DURATION = '[1-9][0-9]{0,5}(?:s|m|h|d)'
const ENTRY = new RegExp(`^(blue|yellow|orange|red):(${DURATION})/(${DURATION})(?:/(${DURATION}))?$`)
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const toMs = (s: string): number => Number(s.slice(0, -1)) * (UNIT_MS[s.slice(-1)] ?? Number.NaN)

/**
 * `CASE_DEADLINES`: per level, the time to accept, to report and (optionally)
 * to verify, e.g. `red:5m/60m,orange:15m/2h/1h`. Levels left out keep their defaults.
 */
export const CaseDeadlineOverridesSchema = z.string().transform((text, ctx) => {
  const out: Partial<Record<z.infer<typeof AlertLevelSchema>, Partial<StageDeadlines>>> = {}
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = ENTRY.exec(part)
    if (!m?.[1] || !m[2] || !m[3]) {
      ctx.addIssue({ code: 'custom', message: `'${part}' is not level:accept/report[/verify], e.g. red:5m/60m` })
      return z.NEVER
    }
    const level = AlertLevelSchema.parse(m[1])
    out[level] = { acceptMs: toMs(m[2]), reportMs: toMs(m[3]), ...(m[4] ? { verifyMs: toMs(m[4]) } : {}) }
  }
  return out
})
export type CaseDeadlineOverrides = z.infer<typeof CaseDeadlineOverridesSchema>
