// "1–25 of 80" with Newer/Older buttons, for lists paged by skip/take (newest first).
export function Pager({
  skip,
  pageSize,
  shown,
  total,
  hasMore,
  busy,
  onSkip,
}: {
  skip: number;
  pageSize: number;
  shown: number;
  total: number;
  hasMore: boolean;
  busy: boolean;
  onSkip: (skip: number) => void;
}) {
  return (
    <div className="spread small">
      <span className="muted">
        {skip + 1}–{skip + shown} of {total}
      </span>
      <div className="row">
        <button
          type="button"
          className="button secondary small"
          disabled={skip === 0 || busy}
          onClick={() => onSkip(Math.max(0, skip - pageSize))}
        >
          Newer
        </button>
        <button
          type="button"
          className="button secondary small"
          disabled={!hasMore || busy}
          onClick={() => onSkip(skip + pageSize)}
        >
          Older
        </button>
      </div>
    </div>
  );
}
