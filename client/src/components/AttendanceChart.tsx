'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface ChartRow {
  label: string;
  PRESENT: number;
  LATE: number;
  EXCUSED: number;
  ABSENT: number;
  NONE: number;
}

const SERIES = [
  { key: 'PRESENT', name: 'Present', color: '#2f9e4f' },
  { key: 'LATE', name: 'Late', color: '#e0a31a' },
  { key: 'EXCUSED', name: 'Excused', color: '#7a5cd6' },
  { key: 'ABSENT', name: 'Absent', color: '#d0453b' },
  { key: 'NONE', name: 'Not recorded', color: '#b8bec9' },
] as const;

/** Attendance of each session as stacked bars, oldest on the left. */
export function AttendanceChart({ rows }: { rows: ChartRow[] }) {
  return (
    <div
      style={{ width: '100%', height: 300 }}
      role="img"
      aria-label="Attendance per session, stacked by status"
    >
      <ResponsiveContainer>
        <BarChart data={rows} margin={{ top: 8, right: 8, left: -16, bottom: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
          <Tooltip />
          <Legend />
          {SERIES.map((s) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.name}
              stackId="a"
              fill={s.color}
              maxBarSize={72}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
