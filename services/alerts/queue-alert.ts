import type { Bus, QueuePressureEvent } from '../../core/events.js'
import type { Logger } from '../../core/logger.js'
import type { RuleSignal } from '../rules/signal.js'
import type { AlertService } from './alert-service.js'

/** The platform's own alert on a full disk queue: one open alert at a time, on the gateway. */
export const QUEUE_FULL_RULE_ID = 'platform.queue_full'
export const PLATFORM_DEVICE_ID = 'gateway'

/**
 * Turns the gateway's 'queue-pressure' events into a `platform` alert (issue 6:
 * "the disk queue reaching its cap ... operators get a platform alert"): raised
 * when the queue holds QUEUE_MAX_READINGS and the gateway stops acknowledging,
 * cleared when it has room again. It goes through the alert service, so it
 * reaches the screens, MQTT and the webhook like any other alert.
 */
export function watchQueuePressure({ bus, alerts, log }: { bus: Bus; alerts: AlertService; log: Logger }): () => void {
  const onPressure = (e: QueuePressureEvent) => {
    const signal = toSignal(e)
    // Full with no reading behind it is the state at start: the last run's alert is still open.
    if (!signal) return
    alerts
      .apply([signal])
      .catch((err: unknown) => log.error({ err, full: e.full }, 'the disk-queue platform alert could not be applied'))
  }
  bus.on('queue-pressure', onPressure)
  return () => bus.off('queue-pressure', onPressure)
}

function toSignal(e: QueuePressureEvent): RuleSignal | undefined {
  if (e.full && !e.kind) return undefined
  const base = {
    ruleId: QUEUE_FULL_RULE_ID,
    deviceId: PLATFORM_DEVICE_ID,
    // The Alert contract names a sensor kind: the kind of the reading that met the full queue.
    // A clear keeps the open alert's kind (services/alerts/lifecycle.ts), so the fallback is never stored.
    kind: e.kind ?? 'water',
    type: 'platform',
    metric: 'queue_depth',
    value: e.depth,
    threshold: e.max,
    at: e.at,
  } as const
  if (!e.full)
    return {
      ...base,
      level: null,
      message: `磁盘队列已有空间（${e.depth}/${e.max} 条），平台恢复确认设备数据，积压数据正在写入存储。`,
      messageEn: `The disk queue has room again (${e.depth} of ${e.max} readings); the platform acknowledges device data again and the backlog is being written to the store.`,
    }
  return {
    ...base,
    level: 'red',
    message:
      `磁盘队列已满（${e.depth}/${e.max} 条）：存储写不进数据，平台暂停确认设备数据，数据暂存在 MQTT 代理和设备上。` +
      `请检查 /healthz 中的存储（InfluxDB 或 SQLite）是否运行、磁盘是否已满；必要时调大 QUEUE_MAX_READINGS。 ` +
      `Disk queue full (${e.depth} of ${e.max} readings): the store is not accepting writes, so the platform has stopped acknowledging device data and the broker and devices hold it. ` +
      `Check the store in /healthz (InfluxDB or SQLite) and free disk space; raise QUEUE_MAX_READINGS if needed.`,
    messageEn:
      `Disk queue full (${e.depth} of ${e.max} readings): the store is not accepting writes, so the platform has stopped acknowledging device data and the broker and devices hold it. ` +
      `Check the store in /healthz (InfluxDB or SQLite) and free disk space; raise QUEUE_MAX_READINGS if needed.`,
  }
}
