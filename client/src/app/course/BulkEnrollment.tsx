'use client';

import { useRef, useState } from 'react';
import { describeError } from '@/lib/errors';
import { formatPercent } from '@/lib/format';
import { EnrollFacesMutation } from '@/app/student/operations';
import { uploadMutation } from '@/lib/upload';

interface Student {
  id: string;
  externalId: string;
  name: string;
}

interface Item {
  key: string;
  file: File;
  student: Student | null;
  state: 'waiting' | 'sending' | 'good' | 'weak' | 'refused';
  progress: number;
  verdict: string;
}

/** Below this quality a saved photo is flagged: it helps less than a clear one (server: face-advice.ts). */
const WEAK_QUALITY = 0.35;
const CONCURRENCY = 2;
let seq = 0;

/** "s-1042.jpg", "s-1042_2.jpg", "S-1042 (3).png" -> the student numbered s-1042. */
export function studentForFile(fileName: string, students: Student[]): Student | null {
  const base = fileName
    .replace(/\.[^.]+$/, '')
    .trim()
    .toLowerCase();
  const byNumber = new Map(students.map((s) => [s.externalId.toLowerCase(), s]));
  return byNumber.get(base) ?? byNumber.get(base.replace(/[\s_-]*\(?\d{1,2}\)?$/, '')) ?? null;
}

const isPhoto = (file: File) =>
  file.type ? file.type.startsWith('image/') : /\.(jpe?g|png|webp|heic|heif|avif|tiff?)$/i.test(file.name);

/**
 * Face photos for the whole class at once: each photo is matched to a student by its file name (the
 * student number), sent one by one with its progress, and gets its own verdict.
 */
export function BulkEnrollment({ students, onChanged }: { students: Student[]; onChanged: () => void }) {
  const [items, setItems] = useState<Item[]>([]);
  const queue = useRef<Item[]>([]);
  const running = useRef(0);

  const patch = (key: string, change: Partial<Item>) =>
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...change } : i)));

  const pump = () => {
    while (running.current < CONCURRENCY && queue.current.length > 0) {
      const item = queue.current.shift()!;
      running.current++;
      patch(item.key, { state: 'sending' });
      uploadMutation(
        EnrollFacesMutation,
        { studentId: item.student!.id },
        { photos: [item.file] },
        { onProgress: (p) => patch(item.key, { progress: p }) },
      )
        .then((result) => {
          const quality = result.enrollFaces[0]?.quality ?? 0;
          patch(
            item.key,
            quality < WEAK_QUALITY
              ? {
                  state: 'weak',
                  progress: 1,
                  verdict: `Saved, but weak (quality ${formatPercent(quality)}): add a clearer one`,
                }
              : { state: 'good', progress: 1, verdict: `Good photo (quality ${formatPercent(quality)})` },
          );
        })
        .catch((e: unknown) => patch(item.key, { state: 'refused', progress: 1, verdict: describeError(e) }))
        .finally(() => {
          running.current--;
          if (queue.current.length === 0 && running.current === 0) {
            onChanged();
          }
          pump();
        });
    }
  };

  const add = (files: File[]) => {
    const added = files.map<Item>((file) => {
      const student = studentForFile(file.name, students);
      const base = { key: `b${++seq}`, file, student, progress: 0 };
      if (!isPhoto(file)) {
        return { ...base, state: 'refused', verdict: 'Not a photo: use JPEG or PNG pictures' };
      }
      if (!student) {
        return {
          ...base,
          state: 'refused',
          verdict: `No student numbered “${file.name.replace(/\.[^.]+$/, '')}” in this course`,
        };
      }
      return { ...base, state: 'waiting', verdict: 'Waiting' };
    });
    setItems((list) => [...list, ...added]);
    queue.current.push(...added.filter((i) => i.state === 'waiting'));
    pump();
  };

  const finished = items.filter((i) => i.state !== 'waiting' && i.state !== 'sending').length;
  return (
    <section className="card stack" aria-labelledby="bulk-faces">
      <h2 id="bulk-faces" style={{ margin: 0 }}>
        Add face photos for the class
      </h2>
      <p className="small muted" style={{ margin: 0 }}>
        Name each photo by the student number (<code>s-1042.jpg</code>, <code>s-1042_2.jpg</code>…) and choose
        them all at once. 3 to 5 clear photos of each student, alone and facing the camera, work best.
      </p>
      <label className="button file-button" style={{ alignSelf: 'flex-start' }}>
        <input
          type="file"
          multiple
          accept="image/*"
          data-testid="bulk-faces-input"
          onChange={(e) => {
            add([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        Choose photos
      </label>
      {items.length > 0 && (
        <>
          <p className="small" role="status" style={{ margin: 0 }} data-testid="bulk-progress">
            {finished} of {items.length} photos checked
          </p>
          <progress max={items.length} value={finished} aria-label="Photos checked" />
          <ul className="roll" aria-label="Photos">
            {items.map((i) => (
              <li key={i.key} data-testid="bulk-item" data-state={i.state}>
                <div className="who small">
                  <strong>{i.student?.name ?? 'Unknown student'}</strong>{' '}
                  <span className="muted">{i.file.name}</span>
                </div>
                <span
                  className={`badge ${i.state === 'good' ? 'ok' : i.state === 'refused' ? 'bad' : i.state === 'weak' ? 'warn' : ''}`}
                >
                  {i.state === 'good'
                    ? 'Good'
                    : i.state === 'weak'
                      ? 'Weak'
                      : i.state === 'refused'
                        ? 'Not saved'
                        : i.state === 'sending'
                          ? `${Math.round(i.progress * 100)}%`
                          : 'Waiting'}
                </span>
                <div className="evidence">{i.state === 'sending' ? 'Checking the face…' : i.verdict}</div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
