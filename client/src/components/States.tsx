'use client';

import type { ReactNode } from 'react';
import { describeError } from '@/lib/errors';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p>
        <strong>{title}</strong>
      </p>
      {children}
    </div>
  );
}

export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) {
    return null;
  }
  return (
    <div className="notice error" role="alert">
      {typeof error === 'string' ? error : describeError(error)}
      {onRetry && (
        <>
          {' '}
          <button type="button" className="button secondary small" onClick={onRetry}>
            Try again
          </button>
        </>
      )}
    </div>
  );
}
