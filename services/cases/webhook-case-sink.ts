import type { CaseSink } from '../../core/ports/case-repository.js'

/** What the sink needs of the platform's webhook sender: its durable outbox (services/adapters/webhook-alert-sink.ts). */
export interface WebhookSender {
  send(item: { event: 'case'; id: string; body: unknown; final: boolean }): void
}

/**
 * Case changes go to ALERT_WEBHOOK_URL like alerts (contract §6), through the
 * same outbox and sender, so they are retried until accepted and kept across
 * restarts. A closed case changes no more: its delivery counter can go.
 */
export function createWebhookCaseSink(webhook: WebhookSender): CaseSink {
  return {
    name: 'webhook',
    async publish(c) {
      webhook.send({ event: 'case', id: c.id, body: c, final: c.state === 'closed' })
    },
  }
}
