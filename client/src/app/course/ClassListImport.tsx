'use client';

import { useState } from 'react';
import { useMutation } from 'urql';
import type { ImportRosterMutation as ImportData } from '@/gql/graphql';
import { describeError, rowProblems } from '@/lib/errors';
import { ImportRosterMutation } from './operations';

const OUTCOME: Record<string, string> = {
  CREATED: 'New student',
  ENROLLED: 'Added to the course',
  UNCHANGED: 'Already in the course',
  SKIPPED_NO_CONSENT: 'Not added: no consent',
};

const EXAMPLE =
  'student number,name,email,consent\ns-1001,Ada Lovelace,ada@school.org,yes\ns-1002,Alan Turing,,no';

/**
 * A class list in one step: paste from a spreadsheet or choose a CSV file, check it (nothing is
 * written), then import. The source picker is where a school-system import (OneRoster) will go.
 */
export function ClassListImport({ courseId, onImported }: { courseId: string; onImported: () => void }) {
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<ImportData['importRoster'] | null>(null);
  const [done, setDone] = useState<ImportData['importRoster'] | null>(null);
  const [{ fetching, error }, run] = useMutation(ImportRosterMutation);
  const problems = rowProblems(error);

  const check = async (dryRun: boolean) => {
    setDone(null);
    const result = await run({ courseId, csv, dryRun });
    if (!result.data) {
      setPreview(null);
      return;
    }
    if (dryRun) {
      setPreview(result.data.importRoster);
    } else {
      setPreview(null);
      setDone(result.data.importRoster);
      setCsv('');
      onImported();
    }
  };
  const toAdd = preview ? preview.created + preview.enrolled : 0;

  return (
    <section className="card stack" aria-labelledby="class-list">
      <h2 id="class-list" style={{ margin: 0 }}>
        Import a class list
      </h2>
      <p className="small muted" style={{ margin: 0 }}>
        Columns: <strong>student number</strong>, <strong>name</strong> (or first and last name), e-mail
        (optional) and <strong>consent</strong> (yes or no). Comma, semicolon or tab separated, as a
        spreadsheet saves it. Students without consent are listed but not added.
      </p>
      <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="label">Source</legend>
        <label className="checkbox" style={{ alignItems: 'center' }}>
          <input type="radio" name="roster-source" defaultChecked /> CSV file or pasted list
        </label>
      </fieldset>
      <label className="button secondary file-button" style={{ alignSelf: 'flex-start' }}>
        <input
          type="file"
          accept=".csv,text/csv,text/plain,.txt,.tsv"
          data-testid="roster-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) {
              void file.text().then((text) => {
                setCsv(text);
                setPreview(null);
              });
            }
          }}
        />
        Choose a CSV file
      </label>
      <div className="field">
        <label htmlFor="roster-text">Or paste the list</label>
        <textarea
          id="roster-text"
          rows={5}
          value={csv}
          placeholder={EXAMPLE}
          onChange={(e) => {
            setCsv(e.target.value);
            setPreview(null);
          }}
          style={{ fontFamily: 'ui-monospace, monospace', fontSize: '0.85rem', width: '100%' }}
        />
      </div>
      {error && (
        <div className="notice error" role="alert">
          {problems.length > 0
            ? 'The list has problems; nothing was imported. Fix these lines:'
            : describeError(error)}
          {problems.length > 0 && (
            <ul style={{ margin: '0.4rem 0 0', paddingLeft: '1.2rem' }} data-testid="roster-problems">
              {problems.map((p) => (
                <li key={`${p.line}-${p.field}`}>
                  Line {p.line}, {p.field}: {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {preview && (
        <div className="notice" data-testid="roster-preview">
          <strong>
            {toAdd} student{toAdd === 1 ? '' : 's'} to add
          </strong>
          {preview.unchanged > 0 && `, ${preview.unchanged} already in the course`}
          {preview.skipped > 0 && `, ${preview.skipped} without consent (not added)`}.
          <ul style={{ margin: '0.4rem 0 0', paddingLeft: '1.2rem' }} className="small">
            {preview.rows.map((r) => (
              <li key={r.line}>
                {r.name} ({r.externalId}): {OUTCOME[r.outcome] ?? r.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {done && (
        <p className="notice ok" role="status" data-testid="roster-done">
          Imported: {done.created} new, {done.enrolled} added from other courses
          {done.skipped > 0 && `; ${done.skipped} left out (no consent)`}. Next: add face photos below.
        </p>
      )}
      <div className="row">
        <button
          type="button"
          className="button secondary"
          disabled={fetching || !csv.trim()}
          onClick={() => void check(true)}
        >
          Check the list
        </button>
        <button
          type="button"
          className="button"
          disabled={fetching || !preview || toAdd === 0}
          onClick={() => void check(false)}
        >
          {preview ? `Import ${toAdd} student${toAdd === 1 ? '' : 's'}` : 'Import'}
        </button>
      </div>
    </section>
  );
}
