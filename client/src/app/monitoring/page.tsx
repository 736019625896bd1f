'use client';

import { useMemo, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import { AdminOnly } from '@/components/AdminOnly';
import { MetricsChart, type MetricSeries } from '@/components/MetricsChart';
import { Pager } from '@/components/Pager';
import { PageTitle } from '@/components/PageTitle';
import { Empty, ErrorNote, Loading } from '@/components/States';
import type { AlertFieldsFragment, AlertState, SystemMetricsFieldsFragment } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format';
import {
  AlertChangedSubscription,
  AlertsQuery,
  MetricsUpdatedSubscription,
  SystemMetricsQuery,
} from './operations';

type Snapshot = SystemMetricsFieldsFragment;

/** Snapshots kept per instance (at METRICS_INTERVAL_MS = 5 s: ten minutes). */
const HISTORY = 120;
const ALERTS_PAGE = 20;

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
// Decimal units, so the axis' round byte counts read as round numbers.
const bytes = (v: number) => (v >= 1e9 ? `${(v / 1e9).toFixed(1)} GB` : `${Math.round(v / 1e6)} MB`);
const pct1 = (v: number) => `${(v * 100).toFixed(v < 0.1 && v > 0 ? 1 : 0)}%`;
const count = (v: number) => String(Math.round(v));

function uptime(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${seconds} s`;
}

const CHARTS: {
  title: string;
  value: (s: Snapshot) => number | null;
  format: (v: number) => string;
  domain?: [number, number];
}[] = [
  { title: 'Error rate', value: (s) => s.errorRate, format: pct1 },
  { title: 'Photo latency p95', value: (s) => s.photoLatencyP95Ms, format: ms },
  { title: 'Queue depth', value: (s) => s.queueDepth, format: count },
  { title: 'Worker utilisation', value: (s) => s.utilization, format: pct1, domain: [0, 1] },
  { title: 'Event-loop lag p99', value: (s) => s.eventLoopLagP99Ms, format: ms },
  { title: 'Memory (RSS)', value: (s) => s.rssBytes, format: bytes },
];

function addSnapshot(history: Map<string, Snapshot[]>, snapshot: Snapshot): Map<string, Snapshot[]> {
  const next = new Map(history);
  const list = next.get(snapshot.instanceId) ?? [];
  if (!list.some((s) => s.at === snapshot.at)) {
    next.set(
      snapshot.instanceId,
      [...list, snapshot].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).slice(-HISTORY),
    );
  }
  return next;
}

function Metrics() {
  const [initial, refetch] = useQuery({ query: SystemMetricsQuery, requestPolicy: 'network-only' });
  const [live] = useSubscription(
    { query: MetricsUpdatedSubscription },
    (prev: { received: number; history: Map<string, Snapshot[]> } | undefined, event) => ({
      received: (prev?.received ?? 0) + 1,
      history: addSnapshot(prev?.history ?? new Map<string, Snapshot[]>(), event.metricsUpdated),
    }),
  );

  const history = useMemo(() => {
    let merged = new Map<string, Snapshot[]>();
    if (initial.data) {
      merged = addSnapshot(merged, initial.data.systemMetrics);
    }
    for (const list of live.data?.history.values() ?? []) {
      for (const s of list) {
        merged = addSnapshot(merged, s);
      }
    }
    return merged;
  }, [initial.data, live.data]);

  const instances = [...history.entries()].sort(([a], [b]) => a.localeCompare(b));
  const received = live.data?.received ?? 0;
  const lastAt = instances
    .map(([, list]) => list.at(-1)?.at)
    .filter((at): at is string => Boolean(at))
    .sort()
    .at(-1);

  if (instances.length === 0) {
    if (initial.error) {
      return <ErrorNote error={initial.error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    }
    return <Loading label="Measuring the server…" />;
  }

  return (
    <section className="stack" aria-labelledby="metrics">
      <div className="spread">
        <h2 id="metrics" style={{ margin: 0 }}>
          Server metrics
        </h2>
        <span className="small muted" role="status" data-testid="metrics-live" data-received={received}>
          {live.error ? (
            <span className="badge bad">live updates interrupted</span>
          ) : received > 0 ? (
            <span className="badge ok">live</span>
          ) : (
            <span className="badge">waiting for the next snapshot</span>
          )}{' '}
          {received} live snapshot{received === 1 ? '' : 's'} · last {formatDateTime(lastAt)}
        </span>
      </div>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(min(340px, 100%), 1fr))',
          gap: '1rem',
        }}
      >
        {CHARTS.map((chart) => {
          const series: MetricSeries[] = instances.map(([instanceId, list]) => ({
            instanceId,
            points: list.map((s) => ({ t: Date.parse(s.at), value: chart.value(s) })),
          }));
          return (
            <MetricsChart
              key={chart.title}
              title={chart.title}
              series={series}
              format={chart.format}
              domain={chart.domain}
            />
          );
        })}
      </div>
      <section className="card" aria-labelledby="instances">
        <h3 id="instances">Instances</h3>
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="instances">
            <thead>
              <tr>
                <th>Instance</th>
                <th>Backend</th>
                <th className="num">Workers</th>
                <th className="num">Up</th>
                <th className="num">Requests</th>
                <th className="num">Errors</th>
                <th className="num">Request p95</th>
                <th className="num">Photos done</th>
                <th className="num">Failed</th>
                <th className="num">Crashes</th>
                <th className="num">Heap</th>
                <th className="num">Subscriptions</th>
              </tr>
            </thead>
            <tbody>
              {instances.map(([instanceId, list]) => {
                const s = list.at(-1)!;
                return (
                  <tr key={instanceId}>
                    <td>
                      {instanceId}
                      <div className="muted small">window {Math.round(s.windowSeconds)} s</div>
                    </td>
                    <td>{s.backend}</td>
                    <td className="num">{s.workers}</td>
                    <td className="num">{uptime(s.uptimeSeconds)}</td>
                    <td className="num">{s.requests}</td>
                    <td className="num">{s.errors}</td>
                    <td className="num">{s.requestP95Ms === null ? '—' : ms(s.requestP95Ms)}</td>
                    <td className="num">{s.photosDone}</td>
                    <td className="num">{s.photosFailed}</td>
                    <td className="num">
                      {s.workerCrashes > 0 ? <span className="badge bad">{s.workerCrashes}</span> : 0}
                    </td>
                    <td className="num">{bytes(s.heapUsedBytes)}</td>
                    <td className="num">{s.activeSubscriptions}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
    </section>
  );
}

const RULE_LABEL: Record<AlertFieldsFragment['rule'], string> = {
  ABSENCE_STREAK: 'Absence streak',
  DEAD_LETTERS: 'Photos given up on',
  ERROR_RATE: 'Error rate',
  INTEGRATION_KEY_FAILING: 'Integration key failing',
  PHOTO_LATENCY_P95: 'Photo latency',
  QUEUE_BACKLOG: 'Queue backlog',
  WORKER_CRASH_LOOP: 'Worker crash loop',
};

/** Firing first, then the newest. */
function byUrgency(a: AlertFieldsFragment, b: AlertFieldsFragment): number {
  if (a.state !== b.state) {
    return a.state === 'FIRING' ? -1 : 1;
  }
  return Date.parse(b.startedAt) - Date.parse(a.startedAt);
}

function Alerts() {
  const [state, setState] = useState<AlertState | ''>('');
  const [skip, setSkip] = useState(0);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: AlertsQuery,
    variables: { state: state || null, skip, take: ALERTS_PAGE },
    requestPolicy: 'cache-and-network',
  });
  const [live] = useSubscription(
    { query: AlertChangedSubscription },
    (prev: Record<string, AlertFieldsFragment> | undefined, event) => ({
      ...prev,
      [event.alertChanged.id]: event.alertChanged,
    }),
  );

  const alerts = useMemo(() => {
    const map = new Map<string, AlertFieldsFragment>();
    for (const a of data?.alerts.items ?? []) {
      map.set(a.id, a);
    }
    for (const a of Object.values(live.data ?? {})) {
      const known = map.get(a.id);
      if (known) {
        if (Date.parse(a.updatedAt) >= Date.parse(known.updatedAt)) {
          map.set(a.id, a);
        }
      } else if (skip === 0 && (!state || a.state === state)) {
        // New since the page loaded: shown on the first page.
        map.set(a.id, a);
      }
    }
    return [...map.values()].filter((a) => !state || a.state === state).sort(byUrgency);
  }, [data, live.data, skip, state]);

  const firing = alerts.filter((a) => a.state === 'FIRING').length;

  return (
    <section className="card stack" aria-labelledby="alerts">
      <div className="spread">
        <h2 id="alerts" style={{ margin: 0 }}>
          Alerts{' '}
          {firing > 0 ? (
            <span className="badge bad">{firing} firing</span>
          ) : (
            data && <span className="badge ok">none firing</span>
          )}
        </h2>
        <div className="field" style={{ flexDirection: 'row', alignItems: 'center', gap: '0.5rem' }}>
          <label htmlFor="alert-state">Show</label>
          <select
            id="alert-state"
            value={state}
            onChange={(e) => {
              setState(e.target.value as AlertState | '');
              setSkip(0);
            }}
          >
            <option value="">All alerts</option>
            <option value="FIRING">Firing</option>
            <option value="RESOLVED">Resolved</option>
          </select>
        </div>
      </div>
      {error && <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />}
      {live.error && (
        <p className="notice warn small">Live alert updates are interrupted; reload to see new ones.</p>
      )}
      {!data && !error ? (
        <Loading label="Loading alerts…" />
      ) : alerts.length === 0 ? (
        data && (
          <Empty title={state === 'RESOLVED' ? 'No resolved alerts' : 'No alerts'}>
            <p>
              Rollcall raises an alert when errors, latency, the photo queue or absences cross their limits.
            </p>
          </Empty>
        )
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table data-testid="alerts">
            <thead>
              <tr>
                <th>State</th>
                <th>Rule</th>
                <th>Severity</th>
                <th>Summary</th>
                <th>Started</th>
                <th>Resolved</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr key={a.id} data-testid="alert" data-state={a.state}>
                  <td>
                    <span className={a.state === 'FIRING' ? 'badge bad' : 'badge ok'}>
                      {a.state === 'FIRING' ? 'firing' : 'resolved'}
                    </span>
                  </td>
                  <td>{RULE_LABEL[a.rule]}</td>
                  <td>
                    <span className={a.severity === 'CRITICAL' ? 'badge bad' : 'badge warn'}>
                      {a.severity.toLowerCase()}
                    </span>
                  </td>
                  <td>
                    {a.summary}
                    {a.subject && <div className="muted small">{a.subject}</div>}
                  </td>
                  <td>{formatDateTime(a.startedAt)}</td>
                  <td>{a.resolvedAt ? formatDateTime(a.resolvedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && (data.alerts.total > ALERTS_PAGE || skip > 0) && (
        <Pager
          skip={skip}
          pageSize={ALERTS_PAGE}
          shown={data.alerts.items.length}
          total={data.alerts.total}
          hasMore={data.alerts.hasMore}
          busy={fetching}
          onSkip={setSkip}
        />
      )}
    </section>
  );
}

export default function MonitoringPage() {
  return (
    <>
      <PageTitle
        title="Monitoring"
        subtitle="Live measurements of every Rollcall server instance, and the alerts they raised."
      />
      <AdminOnly what="Monitoring">
        <div className="stack">
          <Alerts />
          <Metrics />
        </div>
      </AdminOnly>
    </>
  );
}
