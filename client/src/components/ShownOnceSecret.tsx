'use client';

import { useState, type ReactNode } from 'react';

/**
 * A secret the server returns once (an API key, a webhook's signing secret): shown selectable with
 * a Copy button until the admin says it is saved, since it can never be read back.
 */
export function ShownOnceSecret({
  title,
  secret,
  what,
  testId,
  onDone,
  children,
}: {
  title: ReactNode;
  secret: string;
  /** What it is, in words, for the "copy by hand" hint: "key", "secret". */
  what: string;
  /** Test ids: `${testId}-created` for the notice, `${testId}-secret` for the secret. */
  testId: string;
  onDone: () => void;
  /** How to use it. */
  children: ReactNode;
}) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div
      className="notice ok stack"
      style={{ gap: '0.5rem' }}
      role="status"
      data-testid={`${testId}-created`}
    >
      <strong>{title}</strong>
      <code
        data-testid={`${testId}-secret`}
        style={{
          overflowWrap: 'anywhere',
          background: '#fff',
          padding: '0.35rem 0.6rem',
          borderRadius: 6,
          border: '1px solid var(--border)',
          userSelect: 'all',
        }}
      >
        {secret}
      </code>
      <div className="row">
        <button type="button" className="button small" onClick={() => void copy()}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button secondary small" onClick={onDone}>
          I saved it
        </button>
      </div>
      {copied === 'failed' && (
        <span className="small">The browser refused to copy; select the {what} and copy it by hand.</span>
      )}
      <span className="small">{children}</span>
    </div>
  );
}
