'use client';

import { useEffect } from 'react';
import { useMutation, useQuery } from 'urql';
import { SessionSafetyQuery, UndoSessionActionMutation } from '@/app/session/operations';
import type { UndoSessionActionMutation as UndoData } from '@/gql/graphql';
import { describeError } from '@/lib/errors';

/**
 * "Marked Ada late · Undo": the latest change of the session, taken back with one tap (or U on a
 * keyboard). `version` changes whenever the page made a change, so the bar refreshes.
 */
export function UndoBar({
  sessionId,
  version,
  onUndone,
}: {
  sessionId: string;
  version: number;
  onUndone: (result: UndoData['undoSessionAction']) => void;
}) {
  const [{ data, fetching, stale }, refetch] = useQuery({
    query: SessionSafetyQuery,
    variables: { id: sessionId },
  });
  const [undone, undo] = useMutation(UndoSessionActionMutation);
  useEffect(() => {
    if (version > 0) {
      refetch({ requestPolicy: 'network-only' });
    }
  }, [version, refetch]);
  const last = data?.session.lastAction;

  const run = async () => {
    // Never undo what the bar showed before the latest change reached it.
    if (!last || fetching || stale) {
      return;
    }
    const result = await undo({ sessionId, actionId: last.id });
    refetch({ requestPolicy: 'network-only' });
    if (result.data) {
      onUndone(result.data.undoSessionAction);
    }
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) {
        return;
      }
      if ((event.key === 'u' || event.key === 'U') && !event.metaKey && !event.ctrlKey && !event.altKey) {
        event.preventDefault();
        void run();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (!last && !undone.error) {
    return null;
  }
  return (
    <div className="undo-bar" role="status" aria-live="polite" data-testid="undo-bar">
      {last ? (
        <>
          <span className="undo-text">Last change: {last.summary}</span>
          <button
            type="button"
            className="button secondary small"
            disabled={undone.fetching || fetching || stale}
            onClick={() => void run()}
            aria-keyshortcuts="U"
          >
            Undo
          </button>
        </>
      ) : null}
      {undone.error && <span className="undo-error">{describeError(undone.error)}</span>}
    </div>
  );
}
