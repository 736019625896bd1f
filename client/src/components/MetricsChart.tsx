'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface MetricPoint {
  /** ms since epoch */
  t: number;
  value: number | null;
}

export interface MetricSeries {
  instanceId: string;
  points: MetricPoint[];
}

const COLORS = ['#1f5fbf', '#d0453b', '#2f9e4f', '#e0a31a', '#7a5cd6', '#0f8a8a'];
const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** One measure over time, one line per server instance. */
export function MetricsChart({
  title,
  series,
  format,
  domain = [0, 'auto'],
}: {
  title: string;
  series: MetricSeries[];
  format: (value: number) => string;
  /** Y axis range; [0, 1] for shares. */
  domain?: [number, number | 'auto'];
}) {
  const latest = series.map((s) => s.points.at(-1)?.value ?? null);
  return (
    <section className="card stack" style={{ gap: '0.5rem' }} aria-label={title} data-testid="metric-chart">
      <div className="spread">
        <h3 style={{ margin: 0 }}>{title}</h3>
        <span className="muted small" data-testid="metric-latest">
          {latest.map((v) => (v === null ? '—' : format(v))).join(' · ')}
        </span>
      </div>
      <div style={{ width: '100%', height: 180 }} role="img" aria-label={`${title} over time, per instance`}>
        <ResponsiveContainer>
          <LineChart margin={{ top: 4, right: 8, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={(t: number) => clock.format(t)}
              tick={{ fontSize: 11 }}
              allowDuplicatedCategory={false}
            />
            <YAxis
              domain={domain}
              tick={{ fontSize: 11 }}
              width={64}
              tickFormatter={(v: number) => format(v)}
            />
            <Tooltip
              labelFormatter={(t) => clock.format(Number(t))}
              formatter={(v) => (typeof v === 'number' ? format(v) : '—')}
            />
            {series.length > 1 && <Legend />}
            {series.map((s, i) => (
              <Line
                key={s.instanceId}
                data={s.points}
                dataKey="value"
                name={s.instanceId}
                stroke={COLORS[i % COLORS.length]}
                dot={false}
                strokeWidth={2}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}
