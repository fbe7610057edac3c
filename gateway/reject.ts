import type { RejectReason, Rejection } from '../core/contracts/reading.js'
import { rejectedTopic } from '../core/contracts/topics.js'
import type { Bus } from '../core/events.js'
import type { Logger } from '../core/logger.js'

/** The contract §1 cut of the original payload in a `_rejected` message. */
export const REJECTED_PAYLOAD_BYTES = 1024

export interface RejecterDeps {
  publish(topic: string, payload: string): Promise<void>
  bus: Bus
  log: Logger
}

export type Reject = (kind: string, deviceId: string, reason: RejectReason, detail: string, payload: Buffer) => void

/**
 * Counts (bus), logs and publishes a refusal (contract §1). Never throws and
 * never waits: a failed `_rejected` publish is logged, not fed back into ingest.
 */
export function createRejecter({ publish, bus, log }: RejecterDeps): Reject {
  return (kind, deviceId, reason, detail, payload) => {
    bus.emit('reading-rejected', { kind, deviceId, reason })
    // The raw payload never becomes log fields (pino: untrusted data under its own key, if at all).
    log.warn({ kind, deviceId, reason, detail, bytes: payload.length }, 'reading rejected')
    const body: Rejection = {
      reason: `${reason}: ${detail}`,
      payload: payload.subarray(0, REJECTED_PAYLOAD_BYTES).toString('utf8'),
    }
    publish(rejectedTopic(kind, deviceId), JSON.stringify(body)).catch((err: unknown) =>
      log.warn({ err, kind, deviceId, reason }, 'could not publish the rejection; it is still counted and logged'),
    )
  }
}
