'use client';

import { useRef, type ReactNode } from 'react';

/** A button that asks first, in a modal <dialog> (focus-trapped and Escape-closable by the browser). */
export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel,
  onConfirm,
  danger = false,
  className = 'button secondary',
  disabled,
}: {
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  danger?: boolean;
  className?: string;
  disabled?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={disabled}
        onClick={() => dialog.current?.showModal()}
      >
        {children}
      </button>
      <dialog ref={dialog} aria-labelledby={`${title}-title`}>
        <form method="dialog" className="stack">
          <h2 id={`${title}-title`}>{title}</h2>
          <div>{message}</div>
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            <button type="submit" className="button secondary" value="cancel">
              Cancel
            </button>
            <button
              type="submit"
              className={danger ? 'button danger' : 'button'}
              value="confirm"
              onClick={() => onConfirm()}
            >
              {confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
