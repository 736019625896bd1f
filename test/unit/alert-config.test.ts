import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signBody } from '../../src/alerts/notifier';
import { parseEnv } from '../../src/config/env';

describe('alert configuration', () => {
  it('parses lists and refuses unsigned webhooks or e-mail without a server', () => {
    const env = parseEnv({
      ALERT_WEBHOOK_URLS: 'http://a.test/hook, http://b.test/hook',
      ALERT_WEBHOOK_SECRET: 'sixteen-chars-or-more',
      ALERT_EMAIL_TO: 'ops@example.test',
      SMTP_URL: 'smtp://mail.test:25',
    });
    expect(env.ALERT_WEBHOOK_URLS).toEqual(['http://a.test/hook', 'http://b.test/hook']);
    expect(env.ALERT_EMAIL_TO).toEqual(['ops@example.test']);
    expect(parseEnv({}).ALERT_WEBHOOK_URLS).toEqual([]);
    expect(() => parseEnv({ ALERT_WEBHOOK_URLS: 'http://a.test/hook' })).toThrow(/ALERT_WEBHOOK_SECRET/);
    expect(() => parseEnv({ ALERT_EMAIL_TO: 'ops@example.test' })).toThrow(/SMTP_URL/);
    expect(() => parseEnv({ ALERT_EMAIL_TO: 'not-an-address', SMTP_URL: 'smtp://m.test' })).toThrow(
      /ALERT_EMAIL_TO/,
    );
  });

  it('signs the raw body with HMAC-SHA256', () => {
    const body = '{"event":"alert.firing"}';
    expect(signBody('k', body)).toBe(`sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`);
  });
});
