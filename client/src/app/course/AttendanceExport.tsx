'use client';

import { useState, type FormEvent } from 'react';
import { apiBase } from '@/lib/config';
import { downloadBlob } from '@/lib/download';
import { ApiError, describeError, errorCodeOf, NETWORK_ERROR, type GraphQLErrorLike } from '@/lib/errors';
import { authFetch } from '@/lib/http';

const FORMATS = {
  csv: { path: 'attendance.csv', label: 'CSV (spreadsheets)' },
  json: { path: 'attendance.json', label: 'JSON' },
  oneroster: { path: 'attendance.oneroster.csv', label: 'OneRoster results (for the SIS)' },
} as const;
type Format = keyof typeof FORMATS;

/** YYYY-MM-DD of a local date, `days` before today. */
function isoDay(daysAgo: number): string {
  const d = new Date();
  d.setDate(d.getDate() - daysAgo);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The course's attendance over a date range, from the server's streaming export
 * (/export/attendance.*). It needs the bearer token, so it is fetched and saved as a Blob rather
 * than linked.
 */
export function AttendanceExport({ courseId, courseCode }: { courseId: string; courseCode: string }) {
  const [from, setFrom] = useState(() => isoDay(30));
  const [to, setTo] = useState(() => isoDay(0));
  const [format, setFormat] = useState<Format>('csv');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (from && to && from > to) {
      setError('The first day is after the last day.');
      return;
    }
    const params = new URLSearchParams({ courseId });
    if (from) {
      params.set('from', from);
    }
    if (to) {
      params.set('to', to);
    }
    setBusy(true);
    try {
      const response = await authFetch(`${apiBase}/export/${FORMATS[format].path}?${params.toString()}`);
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { errors?: GraphQLErrorLike[] } | null;
        const first = body?.errors?.[0];
        throw first
          ? new ApiError(errorCodeOf(first), first.message, first.extensions ?? {})
          : new ApiError('INTERNAL_SERVER_ERROR', `HTTP ${response.status}`);
      }
      const name = `${courseCode}-${from || 'start'}-${to || 'today'}.${FORMATS[format].path.replace('attendance.', '')}`;
      downloadBlob(name.replace(/[^\w.-]+/g, '_'), await response.blob());
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(NETWORK_ERROR, String(e)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card stack" aria-labelledby="export" onSubmit={(e) => void submit(e)}>
      <h2 id="export" style={{ margin: 0 }}>
        Export attendance
      </h2>
      <div className="grid-2" style={{ gap: '0.75rem' }}>
        <div className="field">
          <label htmlFor="export-from">From</label>
          <input id="export-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="export-to">To (included)</label>
          <input id="export-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
      </div>
      <p className="small muted" style={{ margin: 0 }}>
        Sessions opened on these days (UTC), every student&apos;s status, source and note.
      </p>
      <div className="field">
        <label htmlFor="export-format">Format</label>
        <select id="export-format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
          {Object.entries(FORMATS).map(([value, f]) => (
            <option key={value} value={value}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      {error !== null && (
        <div className="notice error" role="alert">
          {typeof error === 'string' ? error : describeError(error)}
        </div>
      )}
      <div>
        <button type="submit" className="button secondary" disabled={busy}>
          {busy ? 'Preparing…' : 'Download'}
        </button>
      </div>
    </form>
  );
}
