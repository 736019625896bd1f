import { createHmac, randomUUID } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from '../observability/logger';
import type { AlertChangedPayload } from '../pubsub/topics';
import { BreakerRegistry } from '../resilience/breakers';
import { deliveryGuard, isPolicyRefusal, type Guard } from '../resilience/policies';

export const SIGNATURE_HEADER = 'X-Rollcall-Signature';

/** `sha256=<hex HMAC-SHA256 of the raw body>`, the value of X-Rollcall-Signature. */
export function signBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface NotifierConfig {
  webhookUrls: readonly string[];
  webhookSecret?: string;
  smtpUrl?: string;
  emailTo: readonly string[];
  emailFrom: string;
  attempts: number;
  backoffMs: number;
  timeoutMs?: number;
}

export interface AlertNotification {
  event: 'alert.firing' | 'alert.resolved';
  sentAt: string;
  alert: AlertChangedPayload;
}

/**
 * Delivers alert changes to webhooks (signed) and by e-mail. Each delivery runs under a cockatiel
 * guard (src/resilience/policies.ts: retries with doubling backoff, a timeout per attempt, a breaker
 * per channel); failures are logged, never thrown: a broken receiver must not hurt the app.
 */
export class AlertNotifier {
  private readonly log: Logger;
  private readonly mailer: Transporter | null;
  private readonly pending = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly guards = new Map<string, Guard>();

  constructor(
    private readonly config: NotifierConfig,
    logger: Logger,
    /** Where the per-channel breakers are reported (/readyz, /metrics). */
    private readonly breakers: BreakerRegistry = new BreakerRegistry(),
  ) {
    this.log = logger.child({ module: AlertNotifier.name });
    this.mailer = config.smtpUrl && config.emailTo.length > 0 ? createTransport(config.smtpUrl) : null;
  }

  get channels(): number {
    return (this.config.webhookSecret ? this.config.webhookUrls.length : 0) + (this.mailer ? 1 : 0);
  }

  deliver(alert: AlertChangedPayload): void {
    const notification: AlertNotification = {
      event: alert.state === 'FIRING' ? 'alert.firing' : 'alert.resolved',
      sentAt: new Date().toISOString(),
      alert,
    };
    const jobs: [string, () => Promise<void>][] = [];
    if (this.config.webhookSecret) {
      const secret = this.config.webhookSecret;
      for (const url of this.config.webhookUrls) {
        jobs.push([`webhook ${safeHost(url)}`, () => this.postWebhook(url, secret, notification)]);
      }
    }
    if (this.mailer) {
      const mailer = this.mailer;
      jobs.push(['e-mail', () => this.sendMail(mailer, notification)]);
    }
    for (const [channel, send] of jobs) {
      const job = this.withRetries(channel, alert, send).finally(() => this.pending.delete(job));
      this.pending.add(job);
    }
  }

  /** Waits for deliveries in flight; pending retries are abandoned. */
  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.pending]);
    this.mailer?.close();
  }

  /** Resolves when every delivery started so far has succeeded or given up (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.allSettled([...this.pending]);
    }
  }

  /** One guard per channel: its breaker opens for a receiver that keeps failing, not for all. */
  private guardFor(channel: string): Guard {
    let guard = this.guards.get(channel);
    if (!guard) {
      guard = deliveryGuard(`alert-delivery:${channel}`, this.breakers, {
        attempts: this.config.attempts,
        backoffMs: this.config.backoffMs,
        timeoutMs: this.config.timeoutMs ?? 10_000,
      });
      this.guards.set(channel, guard);
    }
    return guard;
  }

  private async withRetries(
    channel: string,
    alert: AlertChangedPayload,
    send: () => Promise<void>,
  ): Promise<void> {
    let attempt = 0;
    try {
      await this.guardFor(channel).execute(async () => {
        attempt++;
        try {
          await send();
        } catch (error) {
          const last = attempt >= this.config.attempts;
          this.log.warn(
            { channel, alertId: alert.id, rule: alert.rule, attempt, err: errorSummary(error) },
            last ? 'alert delivery failed; giving up' : 'alert delivery failed; retrying',
          );
          throw error;
        }
      }, this.stopping.signal);
      this.log.debug({ channel, alertId: alert.id, attempt }, 'alert delivered');
    } catch (error) {
      if (isPolicyRefusal(error) && attempt === 0) {
        this.log.warn(
          { channel, alertId: alert.id, rule: alert.rule },
          'alert not delivered: receiver circuit open',
        );
      }
    }
  }

  private async postWebhook(url: string, secret: string, notification: AlertNotification): Promise<void> {
    const body = JSON.stringify(notification);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signBody(secret, body),
        'X-Rollcall-Event': notification.event,
        'X-Rollcall-Delivery': randomUUID(),
      },
      body,
      signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
    });
    // Drain the body so the connection can be reused.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) {
      throw new Error(`receiver answered ${res.status}`);
    }
  }

  private async sendMail(mailer: Transporter, notification: AlertNotification): Promise<void> {
    const a = notification.alert;
    const lines = [
      `${a.state}: ${a.summary}`,
      '',
      `rule:      ${a.rule}`,
      `severity:  ${a.severity}`,
      `value:     ${a.value ?? '-'} (threshold ${a.threshold ?? '-'})`,
      `started:   ${a.startedAt}`,
      ...(a.resolvedAt ? [`resolved:  ${a.resolvedAt}`] : []),
      `alert id:  ${a.id}`,
    ];
    await mailer.sendMail({
      from: this.config.emailFrom,
      to: [...this.config.emailTo],
      subject: `[Rollcall] ${a.state} ${a.severity}: ${a.summary}`,
      text: `${lines.join('\n')}\n`,
      headers: { 'X-Rollcall-Alert': a.id, 'X-Rollcall-Event': notification.event },
    });
  }
}

/** Receivers' URLs may carry tokens: only the host is logged. */
function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
