'use client';

import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { useClient, useMutation, useQuery, useSubscription } from 'urql';
import { ErrorNote } from '@/components/States';
import type {
  OneRosterImportFieldsFragment as ImportFields,
  OneRosterImportStatus,
  OneRosterReportFieldsFragment as Report,
} from '@/gql/graphql';
import { describeError } from '@/lib/errors';
import { formatDateTime, formatPercent } from '@/lib/format';
import { uploadMutation } from '@/lib/upload';
import {
  OneRosterImportProgressSubscription,
  OneRosterImportQuery,
  OneRosterImportsQuery,
  RunOneRosterImportMutation,
  UploadOneRosterMutation,
} from './operations';

const ACTIONS: Record<string, { label: string; badge: string }> = {
  CREATED: { label: 'new', badge: 'ok' },
  UPDATED: { label: 'changed', badge: 'info' },
  UNCHANGED: { label: 'unchanged', badge: '' },
  REMOVED: { label: 'removed', badge: 'warn' },
  SKIPPED: { label: 'skipped', badge: '' },
  REFUSED: { label: 'refused', badge: 'bad' },
};

const REASONS: Record<string, string> = {
  BAD_REFERENCE: 'refers to a row that is missing or refused',
  MISSING_REQUIRED_COLUMN: 'a required column is missing',
  MISSING_REQUIRED_VALUE: 'a required value is empty',
  DUPLICATE_ID: 'the same sourcedId appears twice',
  INVALID_VALUE: 'a value is not valid',
  CONFLICT: 'clashes with existing data',
  MALFORMED_ROW: 'the row cannot be read',
  MISSING_FILE: 'a required file is missing',
};

const ENTITY_WORDS: Record<string, [string, string]> = {
  terms: ['term', 'terms'],
  courses: ['course', 'courses'],
  students: ['student', 'students'],
  teachers: ['teacher', 'teachers'],
  enrollments: ['enrollment', 'enrollments'],
  orgs: ['organisation', 'organisations'],
  users: ['other user', 'other users'],
};

const STATUS: Record<OneRosterImportStatus, { label: string; badge: string }> = {
  PREVIEWED: { label: 'checked, not imported', badge: 'info' },
  QUEUED: { label: 'waiting to run', badge: 'warn' },
  RUNNING: { label: 'running', badge: 'warn' },
  SUCCEEDED: { label: 'imported', badge: 'ok' },
  FAILED: { label: 'failed', badge: 'bad' },
};

const TERMINAL = new Set<OneRosterImportStatus>(['SUCCEEDED', 'FAILED']);
const ROW_PAGE = 25;

/** "2 courses, 3 students" from one summary bucket ({courses: 2, students: 3}). */
function countWords(bucket: unknown): string {
  if (!bucket || typeof bucket !== 'object') {
    return '';
  }
  return Object.entries(bucket as Record<string, unknown>)
    .filter(([, n]) => typeof n === 'number' && n > 0)
    .map(([entity, n]) => {
      const [one, many] = ENTITY_WORDS[entity] ?? [entity, entity];
      return `${n as number} ${n === 1 ? one : many}`;
    })
    .join(', ');
}

function SummaryWords({ report, done }: { report: Report; done: boolean }) {
  const s = report.summary as Record<string, unknown>;
  const lines = (
    [
      ['created', done ? 'Created' : 'Will create'],
      ['updated', done ? 'Updated' : 'Will update'],
      ['removed', done ? 'Removed from rosters' : 'Will remove from rosters'],
      ['unchanged', 'Unchanged'],
      ['skipped', 'Skipped'],
    ] as const
  )
    .map(([key, label]) => [label, countWords(s[key])] as const)
    .filter(([, words]) => words !== '');
  return lines.length === 0 ? (
    <p style={{ margin: 0 }}>Nothing to import in these files.</p>
  ) : (
    <ul style={{ margin: 0, paddingLeft: '1.2rem' }} data-testid="oneroster-summary">
      {lines.map(([label, words]) => (
        <li key={label}>
          <strong>{label}:</strong> {words}
        </li>
      ))}
    </ul>
  );
}

function ReportView({ report, done }: { report: Report; done: boolean }) {
  const [filter, setFilter] = useState<string>('ALL');
  const [shown, setShown] = useState(ROW_PAGE);
  const rows = filter === 'ALL' ? report.rows : report.rows.filter((r) => r.action === filter);
  const present = Object.keys(ACTIONS).filter((a) => report.rows.some((r) => r.action === a));
  return (
    <div className="stack">
      <SummaryWords report={report} done={done} />
      {report.warnings.length > 0 && (
        <div className="notice warn">
          <strong>Notes</strong>
          <ul style={{ margin: '0.3rem 0 0', paddingLeft: '1.2rem' }}>
            {report.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      <div>
        <h3 style={{ margin: '0 0 0.5rem' }}>Files</h3>
        <ul className="log" data-testid="oneroster-files">
          {report.files.map((f) => (
            <li key={f.file} data-file={f.file}>
              <strong>{f.file}</strong>{' '}
              <span className="muted small">
                {f.rows} row{f.rows === 1 ? '' : 's'}
              </span>
              <div className="row" style={{ gap: '0.35rem', marginTop: '0.3rem' }}>
                {(['created', 'updated', 'unchanged', 'removed', 'skipped', 'refused'] as const)
                  .filter((k) => f[k] > 0)
                  .map((k) => {
                    const a = ACTIONS[k.toUpperCase()]!;
                    return (
                      <span key={k} className={`badge ${a.badge}`} data-count={k}>
                        {f[k]} {a.label}
                      </span>
                    );
                  })}
              </div>
            </li>
          ))}
        </ul>
      </div>
      {report.refused.length > 0 && (
        <div className="notice error" data-testid="oneroster-refused">
          <strong>
            {report.refused.length} row{report.refused.length === 1 ? '' : 's'} refused
            {done ? '' : ' (they will not be imported)'}
          </strong>
          <ul style={{ margin: '0.3rem 0 0', paddingLeft: '1.2rem' }}>
            {report.refused.slice(0, 50).map((r) => (
              <li key={`${r.file}-${r.line}`}>
                {r.file} line {r.line}
                {r.sourcedId && <> ({r.sourcedId})</>}: {(r.reason && REASONS[r.reason]) ?? r.reason}
                {r.message && <span className="small"> · {r.message}</span>}
              </li>
            ))}
          </ul>
          {report.refused.length > 50 && <p className="small">…and {report.refused.length - 50} more.</p>}
        </div>
      )}
      {report.rows.length > 0 && (
        <div className="stack" style={{ gap: '0.5rem' }}>
          <div className="spread">
            <h3 style={{ margin: 0 }}>Rows</h3>
            <div className="field" style={{ flexDirection: 'row', alignItems: 'center', gap: '0.5rem' }}>
              <label htmlFor="oneroster-filter">Show</label>
              <select
                id="oneroster-filter"
                value={filter}
                onChange={(e) => {
                  setFilter(e.target.value);
                  setShown(ROW_PAGE);
                }}
              >
                <option value="ALL">all ({report.rows.length})</option>
                {present.map((a) => (
                  <option key={a} value={a}>
                    {ACTIONS[a]!.label} ({report.rows.filter((r) => r.action === a).length})
                  </option>
                ))}
              </select>
            </div>
          </div>
          <ul className="log" data-testid="oneroster-rows" aria-label="Rows">
            {rows.slice(0, shown).map((r) => {
              const a = ACTIONS[r.action] ?? { label: r.action, badge: '' };
              return (
                <li key={`${r.file}-${r.line}-${r.entity ?? ''}`} data-action={r.action} className="small">
                  <div className="spread" style={{ gap: '0.25rem 0.75rem' }}>
                    <span>
                      {r.file} line {r.line}
                      {r.entity && (
                        <span className="muted"> · {ENTITY_WORDS[r.entity]?.[0] ?? r.entity}</span>
                      )}
                    </span>
                    <span className={`badge ${a.badge}`}>{a.label}</span>
                  </div>
                  {r.sourcedId && <div className="muted">{r.sourcedId}</div>}
                  {r.message && <div>{r.message}</div>}
                </li>
              );
            })}
          </ul>
          {rows.length > shown && (
            <button
              type="button"
              className="button secondary small"
              onClick={() => setShown(shown + ROW_PAGE)}
            >
              Show {Math.min(ROW_PAGE, rows.length - shown)} more rows
            </button>
          )}
          {report.rowsTruncated && (
            <p className="small muted" style={{ margin: 0 }}>
              Only the first rows are listed; the counts above cover every row.
            </p>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * Follows a run: live progress from the subscription, and the import re-read when it ends. The
 * re-read also runs every few seconds, because a short run can end before the subscription starts.
 */
function RunProgress({
  record,
  onFinished,
}: {
  record: ImportFields;
  onFinished: (r: ImportFields) => void;
}) {
  const [{ data }, refetch] = useQuery({
    query: OneRosterImportQuery,
    variables: { id: record.id },
    requestPolicy: 'network-only',
  });
  const [live] = useSubscription({
    query: OneRosterImportProgressSubscription,
    variables: { id: record.id },
  });
  const latest = data?.oneRosterImport;
  const status = live.data?.oneRosterImportProgress.status ?? latest?.status ?? record.status;
  const progress = live.data?.oneRosterImportProgress.progress ?? latest?.progress ?? 0;

  useEffect(() => {
    if (latest && TERMINAL.has(latest.status)) {
      onFinished(latest);
      return undefined;
    }
    const timer = setInterval(() => refetch({ requestPolicy: 'network-only' }), 3000);
    return () => clearInterval(timer);
  }, [latest, onFinished, refetch]);

  useEffect(() => {
    if (TERMINAL.has(status)) {
      refetch({ requestPolicy: 'network-only' });
    }
  }, [status, refetch]);

  return (
    <div className="notice" role="status" data-testid="oneroster-progress" data-status={status}>
      <strong>Importing… {formatPercent(progress)}</strong>{' '}
      <span className="muted">({STATUS[status].label})</span>
      <progress
        value={progress}
        max={1}
        aria-label="Import progress"
        style={{ display: 'block', marginTop: '0.4rem' }}
      />
      <span className="small muted">
        It runs on the server in one transaction: you can leave this page; nothing is half-imported.
      </span>
    </div>
  );
}

function RecentImports({ refreshKey, onOpen }: { refreshKey: number; onOpen: (id: string) => void }) {
  const [{ data, error }, refetch] = useQuery({
    query: OneRosterImportsQuery,
    variables: { skip: 0, take: 10 },
  });
  useEffect(() => {
    if (refreshKey > 0) {
      refetch({ requestPolicy: 'network-only' });
    }
  }, [refreshKey, refetch]);
  const items = data?.oneRosterImports.items ?? [];
  if (error && !data) {
    return <ErrorNote error={error} />;
  }
  if (items.length === 0) {
    return null;
  }
  return (
    <details>
      <summary>Earlier imports ({data?.oneRosterImports.total ?? items.length})</summary>
      <ul className="log" style={{ marginTop: '0.5rem' }} data-testid="oneroster-history">
        {items.map((i) => (
          <li key={i.id} className="spread">
            <span>
              {formatDateTime(i.createdAt)}{' '}
              <span className={`badge ${STATUS[i.status].badge}`}>{STATUS[i.status].label}</span>
              {i.strict && <span className="muted small"> strict</span>}
              {i.error && <div className="small">{i.error}</div>}
            </span>
            <button type="button" className="button secondary small" onClick={() => onOpen(i.id)}>
              Open
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** OneRoster import: choose the set, check it (dry run, nothing written), run it, follow it. */
export function OneRosterImport() {
  const [files, setFiles] = useState<File[]>([]);
  const [strict, setStrict] = useState(false);
  const [consentColumn, setConsentColumn] = useState(false);
  const [record, setRecord] = useState<ImportFields | null>(null);
  const [uploading, setUploading] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [run, runImport] = useMutation(RunOneRosterImportMutation);
  const client = useClient();
  const [openError, setOpenError] = useState<unknown>(null);

  const open = async (id: string) => {
    setOpenError(null);
    const result = await client
      .query(OneRosterImportQuery, { id }, { requestPolicy: 'network-only' })
      .toPromise();
    if (result.data) {
      setRecord(result.data.oneRosterImport);
    } else {
      setOpenError(result.error);
    }
  };

  const check = async () => {
    setUploadError(null);
    setRecord(null);
    setUploading(0);
    try {
      const data = await uploadMutation(
        UploadOneRosterMutation,
        { strict, consentColumn },
        { files },
        { onProgress: (f) => setUploading(f) },
      );
      setRecord(data.uploadOneRoster);
      setRefreshKey((k) => k + 1);
    } catch (error) {
      setUploadError(error);
    } finally {
      setUploading(null);
    }
  };

  const start = async () => {
    if (!record) {
      return;
    }
    const result = await runImport({ id: record.id });
    if (result.data) {
      setRecord({ ...record, ...result.data.runOneRosterImport });
    }
  };

  // Stable, so RunProgress's refresh timer is not restarted on every render.
  const onFinished = useCallback((finished: ImportFields) => {
    setRecord(finished);
    setRefreshKey((k) => k + 1);
  }, []);

  const preview = record?.preview;
  const refusedCount = preview?.refused.length ?? 0;
  const strictBlocked = Boolean(record?.strict && refusedCount > 0);

  return (
    <section className="card stack" aria-labelledby="oneroster">
      <h2 id="oneroster" style={{ margin: 0 }}>
        Import from the school system (OneRoster)
      </h2>
      <p className="small muted" style={{ margin: 0 }}>
        A OneRoster 1.1 or 1.2 CSV export: one <strong>.zip</strong>, or its CSV files (classes, users,
        enrollments, academic sessions…). Checking writes nothing; classes become courses, students join their
        rosters, teachers get accounts. Face data is never deleted by an import.
      </p>
      <label className="button secondary file-button" style={{ alignSelf: 'flex-start' }}>
        <input
          type="file"
          multiple
          accept=".zip,.csv,application/zip,text/csv"
          data-testid="oneroster-files-input"
          onChange={(e) => {
            setFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
            setRecord(null);
            setUploadError(null);
          }}
        />
        Choose the .zip or CSV files
      </label>
      {files.length > 0 && (
        <p className="small" style={{ margin: 0, overflowWrap: 'anywhere' }} data-testid="oneroster-chosen">
          {files.length} file{files.length === 1 ? '' : 's'}: {files.map((f) => f.name).join(', ')}
        </p>
      )}
      <div className="checkbox">
        <input
          id="oneroster-strict"
          type="checkbox"
          checked={strict}
          onChange={(e) => setStrict(e.target.checked)}
        />
        <label htmlFor="oneroster-strict">
          Strict: import nothing if any row is refused (otherwise valid rows are imported, refused ones
          listed).
        </label>
      </div>
      <div className="checkbox">
        <input
          id="oneroster-consent"
          type="checkbox"
          checked={consentColumn}
          onChange={(e) => setConsentColumn(e.target.checked)}
        />
        <label htmlFor="oneroster-consent">
          Our users.csv records biometric consent (column metadata.rollcall.biometricConsent) and the school
          holds it in writing.
        </label>
      </div>
      {uploading !== null && <progress value={uploading} max={1} aria-label="Upload progress" />}
      {uploadError !== null && (
        <div className="notice error" role="alert" data-testid="oneroster-error">
          {describeError(uploadError)}
        </div>
      )}
      <div className="row">
        <button
          type="button"
          className="button secondary"
          disabled={files.length === 0 || uploading !== null}
          onClick={() => void check()}
        >
          {uploading !== null ? 'Checking…' : 'Check (dry run)'}
        </button>
        {record?.status === 'PREVIEWED' && (
          <button
            type="button"
            className="button"
            disabled={run.fetching || strictBlocked}
            onClick={() => void start()}
          >
            {run.fetching ? 'Starting…' : 'Import now'}
          </button>
        )}
      </div>
      <ErrorNote error={run.error} />
      {strictBlocked && record?.status === 'PREVIEWED' && (
        <p className="notice warn" style={{ margin: 0 }}>
          Strict import: {refusedCount} refused row{refusedCount === 1 ? '' : 's'} would stop it. Fix the
          files, or check them again without “Strict”.
        </p>
      )}
      {record && (record.status === 'QUEUED' || record.status === 'RUNNING') && (
        <RunProgress record={record} onFinished={onFinished} />
      )}
      {record?.status === 'SUCCEEDED' && (
        <p className="notice ok" role="status" style={{ margin: 0 }} data-testid="oneroster-done">
          Import finished {formatDateTime(record.finishedAt)}. <Link href="/courses/">See the courses</Link>
        </p>
      )}
      {record?.status === 'FAILED' && (
        <div className="notice error" role="alert" data-testid="oneroster-failed">
          The import failed and was rolled back: nothing was written.
          {record.error && <div className="small">{record.error}</div>}
        </div>
      )}
      {record && (
        <div data-testid="oneroster-report" data-status={record.status}>
          <h3 style={{ margin: '0 0 0.5rem' }}>
            {record.result ? 'What the import did' : 'What the import will do'}{' '}
            <span className={`badge ${STATUS[record.status].badge}`}>{STATUS[record.status].label}</span>
          </h3>
          {record.result ? (
            <ReportView report={record.result} done />
          ) : preview ? (
            <ReportView report={preview} done={false} />
          ) : null}
        </div>
      )}
      <ErrorNote error={openError} />
      <RecentImports refreshKey={refreshKey} onOpen={(id) => void open(id)} />
    </section>
  );
}
