'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { ShownOnceSecret } from '@/components/ShownOnceSecret';
import { ConfirmButton } from '@/components/ConfirmButton';
import { Pager } from '@/components/Pager';
import { Empty, ErrorNote, Loading } from '@/components/States';
import type { WebhookFieldsFragment as Webhook } from '@/gql/graphql';
import { describeError, isCombinedError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import {
  CreateWebhookMutation,
  DeleteWebhookMutation,
  ReplayWebhookDeliveryMutation,
  SetWebhookActiveMutation,
  WebhookDeliveriesQuery,
  WebhooksQuery,
} from './operations';

const EVENTS: { event: string; label: string }[] = [
  { event: 'attendance.marked', label: 'A student is first marked in a session' },
  { event: 'attendance.changed', label: 'A mark changes' },
  { event: 'session.opened', label: 'A session opens' },
  { event: 'session.closed', label: 'A session closes' },
];

const DELIVERY: Record<string, { label: string; badge: string }> = {
  PENDING: { label: 'trying', badge: 'warn' },
  DELIVERED: { label: 'delivered', badge: 'ok' },
  FAILED: { label: 'failed', badge: 'bad' },
};

const LOG_PAGE = 20;
const LOG_REFRESH_MS = 3000;

/** The field the server refused (createWebhook answers BAD_USER_INPUT with `field`), in words. */
function webhookProblem(error: unknown): string | null {
  if (!error) {
    return null;
  }
  const ext = isCombinedError(error) ? (error.graphQLErrors[0]?.extensions ?? {}) : {};
  if (ext.code === 'BAD_USER_INPUT') {
    if (ext.field === 'url') {
      return 'The address must be a full http:// or https:// URL, e.g. https://lms.example.edu/rollcall.';
    }
    if (ext.field === 'events') {
      return 'Choose at least one event.';
    }
    if (ext.field === 'courseIds') {
      return 'One of the chosen courses does not exist any more. Reload the page.';
    }
  }
  return describeError(error);
}

function Secret({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <ShownOnceSecret
      title="Webhook created. Copy its signing secret now: it is shown only once."
      secret={secret}
      what="secret"
      testId="webhook"
      onDone={onDone}
    >
      The receiver checks <code>X-Rollcall-Signature</code> (HMAC-SHA256 of the timestamp and raw body) with
      it.
    </ShownOnceSecret>
  );
}

function CreateWebhook({
  courses,
  onCreated,
}: {
  courses: { id: string; code: string; name: string }[];
  onCreated: () => void;
}) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(EVENTS.map((e) => e.event));
  const [courseIds, setCourseIds] = useState<string[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [{ fetching, error }, create] = useMutation(CreateWebhookMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSecret(null);
    if (events.length === 0) {
      setLocalError('Choose at least one event.');
      return;
    }
    setLocalError(null);
    const result = await create({
      input: { url: url.trim(), events, courseIds: courseIds.length > 0 ? courseIds : null },
    });
    if (result.data) {
      setSecret(result.data.createWebhook.secret);
      setUrl('');
      setCourseIds([]);
      setEvents(EVENTS.map((e) => e.event));
      onCreated();
    }
  };
  const toggle = (list: string[], value: string, on: boolean) =>
    on ? [...list, value] : list.filter((v) => v !== value);

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="create-webhook" noValidate>
      <h3 id="create-webhook" style={{ margin: 0 }}>
        Add a webhook
      </h3>
      <div className="field">
        <label htmlFor="webhook-url">Receiver URL</label>
        <input
          id="webhook-url"
          type="url"
          required
          inputMode="url"
          autoComplete="off"
          placeholder="https://lms.example.edu/rollcall"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </div>
      <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0, gap: '0.4rem' }}>
        <legend className="label">Events</legend>
        {EVENTS.map((e) => (
          <div className="checkbox" key={e.event}>
            <input
              id={`webhook-event-${e.event}`}
              type="checkbox"
              checked={events.includes(e.event)}
              onChange={(ev) => setEvents(toggle(events, e.event, ev.target.checked))}
            />
            <label htmlFor={`webhook-event-${e.event}`}>
              {e.label} <code className="small">{e.event}</code>
            </label>
          </div>
        ))}
      </fieldset>
      {courses.length > 0 && (
        <details>
          <summary>Courses: {courseIds.length === 0 ? 'all' : `${courseIds.length} chosen`}</summary>
          <div
            className="stack"
            style={{ gap: '0.4rem', marginTop: '0.5rem', maxHeight: '14rem', overflowY: 'auto' }}
          >
            {courses.map((c) => (
              <div className="checkbox" key={c.id}>
                <input
                  id={`webhook-course-${c.id}`}
                  type="checkbox"
                  checked={courseIds.includes(c.id)}
                  onChange={(ev) => setCourseIds(toggle(courseIds, c.id, ev.target.checked))}
                />
                <label htmlFor={`webhook-course-${c.id}`} style={{ overflowWrap: 'anywhere' }}>
                  {c.code} · {c.name}
                </label>
              </div>
            ))}
          </div>
          <p className="small muted">None chosen: every course of the institution.</p>
        </details>
      )}
      {(localError ?? error) && (
        <div className="notice error" role="alert" data-testid="webhook-error">
          {localError ?? webhookProblem(error)}
        </div>
      )}
      {secret && <Secret secret={secret} onDone={() => setSecret(null)} />}
      <div>
        <button className="button" type="submit" disabled={fetching}>
          {fetching ? 'Adding…' : 'Add webhook'}
        </button>
      </div>
    </form>
  );
}

/** The delivery log of one webhook, newest first, refreshed while open; failed ones can be sent again. */
function Deliveries({ webhook }: { webhook: Webhook }) {
  const [skip, setSkip] = useState(0);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: WebhookDeliveriesQuery,
    variables: { subscriptionId: webhook.id, skip, take: LOG_PAGE },
    requestPolicy: 'cache-and-network',
  });
  const [replayed, replay] = useMutation(ReplayWebhookDeliveryMutation);

  useEffect(() => {
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), LOG_REFRESH_MS);
    return () => clearInterval(timer);
  }, [refetch]);

  const page = data?.webhookDeliveries;
  if (error && !data) {
    return <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  }
  if (!page) {
    return fetching ? <Loading label="Loading deliveries…" /> : null;
  }
  return (
    <div className="stack" style={{ gap: '0.5rem' }}>
      <ErrorNote error={replayed.error} />
      {page.items.length === 0 ? (
        <p className="muted small" style={{ margin: 0 }}>
          Nothing sent yet. Deliveries appear here when a chosen event happens.
        </p>
      ) : (
        <ul className="log" data-testid="deliveries" aria-label={`Deliveries to ${webhook.url}`}>
          {page.items.map((d) => {
            const s = DELIVERY[d.status] ?? { label: d.status, badge: '' };
            return (
              <li
                key={d.id}
                data-testid="delivery"
                data-status={d.status}
                data-event={d.event}
                data-id={d.id}
              >
                <div className="spread">
                  <span>
                    <code>{d.event}</code> <span className={`badge ${s.badge}`}>{s.label}</span>
                  </span>
                  <span className="small muted">{formatDateTime(d.createdAt)}</span>
                </div>
                <div className="small">
                  {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
                  {d.lastStatusCode !== null && d.lastStatusCode !== undefined && (
                    <>, last answer HTTP {d.lastStatusCode}</>
                  )}
                  {d.deliveredAt && <>, delivered {formatDateTime(d.deliveredAt)}</>}
                  {d.lastError && <div className="muted">{d.lastError}</div>}
                </div>
                <div className="row" style={{ marginTop: '0.3rem', gap: '0.5rem' }}>
                  <details style={{ flex: '1 1 12rem', minWidth: 0 }}>
                    <summary className="small">Payload</summary>
                    <pre tabIndex={0} aria-label={`Payload of ${d.event}`}>
                      {JSON.stringify(d.payload, null, 2)}
                    </pre>
                  </details>
                  {d.status !== 'PENDING' && (
                    <button
                      type="button"
                      className="button secondary small"
                      disabled={replayed.fetching}
                      onClick={() =>
                        void replay({ id: d.id }).then(() => refetch({ requestPolicy: 'network-only' }))
                      }
                    >
                      Send again
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {page.total > LOG_PAGE && (
        <Pager
          skip={skip}
          pageSize={LOG_PAGE}
          shown={page.items.length}
          total={page.total}
          hasMore={page.hasMore}
          busy={fetching}
          onSkip={setSkip}
        />
      )}
    </div>
  );
}

function WebhookItem({
  webhook,
  courseNames,
  onChanged,
}: {
  webhook: Webhook;
  courseNames: Map<string, string>;
  onChanged: () => void;
}) {
  const [active, setActive] = useMutation(SetWebhookActiveMutation);
  const [removed, remove] = useMutation(DeleteWebhookMutation);
  const [open, setOpen] = useState(false);
  return (
    <li data-testid="webhook" data-url={webhook.url}>
      <div className="spread">
        <strong style={{ overflowWrap: 'anywhere', minWidth: 0 }}>{webhook.url}</strong>
        <span className={webhook.active ? 'badge ok' : 'badge'}>{webhook.active ? 'active' : 'paused'}</span>
      </div>
      <div className="small muted">
        {webhook.events.join(', ')} ·{' '}
        {webhook.courseIds.length === 0
          ? 'every course'
          : webhook.courseIds.map((id) => courseNames.get(id) ?? 'a deleted course').join(', ')}{' '}
        · added {formatDateTime(webhook.createdAt)}
      </div>
      <ErrorNote error={active.error ?? removed.error} />
      <div className="row" style={{ marginTop: '0.4rem', gap: '0.5rem' }}>
        <button
          type="button"
          className="button secondary small"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
        >
          {open ? 'Hide delivery log' : 'Delivery log'}
        </button>
        <button
          type="button"
          className="button secondary small"
          disabled={active.fetching}
          onClick={() => void setActive({ id: webhook.id, active: !webhook.active }).then(onChanged)}
        >
          {webhook.active ? 'Pause' : 'Resume'}
        </button>
        <ConfirmButton
          title={`Delete webhook ${webhook.id}`}
          message={
            <p>
              Delete the webhook to <strong style={{ overflowWrap: 'anywhere' }}>{webhook.url}</strong> and
              its delivery log? Nothing more is sent to it.
            </p>
          }
          confirmLabel="Delete webhook"
          danger
          className="button danger secondary small"
          disabled={removed.fetching}
          onConfirm={() => void remove({ id: webhook.id }).then(onChanged)}
        >
          Delete…
        </ConfirmButton>
      </div>
      {open && (
        <div style={{ marginTop: '0.6rem' }}>
          <Deliveries webhook={webhook} />
        </div>
      )}
    </li>
  );
}

/** LMS webhooks: signed POSTs of attendance events, with each one's delivery log. */
export function Webhooks() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: WebhooksQuery });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const courses = data?.courses.items ?? [];
  const courseNames = new Map(courses.map((c) => [c.id, c.code]));
  const hooks = [...(data?.webhooks ?? [])].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  return (
    <section className="card" aria-labelledby="webhooks">
      <h2 id="webhooks">Webhooks {data && <span className="muted">({hooks.length})</span>}</h2>
      <p className="small muted" style={{ marginTop: 0 }}>
        Rollcall POSTs each chosen event as signed JSON to your LMS, retrying until it answers 2xx.
      </p>
      <div className="grid-2 wide-left">
        <div>
          {error && !data ? (
            <ErrorNote error={error} onRetry={reload} />
          ) : !data ? (
            fetching && <Loading label="Loading webhooks…" />
          ) : hooks.length === 0 ? (
            <Empty title="No webhooks yet">
              <p>Add the address of your LMS endpoint to receive attendance as it happens.</p>
            </Empty>
          ) : (
            <ul className="log" data-testid="webhooks">
              {hooks.map((h) => (
                <WebhookItem key={h.id} webhook={h} courseNames={courseNames} onChanged={reload} />
              ))}
            </ul>
          )}
        </div>
        <CreateWebhook courses={courses} onCreated={reload} />
      </div>
    </section>
  );
}
