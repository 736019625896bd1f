'use client';

import { useId, useRef, useState, type DragEvent } from 'react';
import styles from './Dropzone.module.css';

const ACCEPT = 'image/jpeg,image/png,image/webp';

/** Drop photos here or pick them with the file chooser (keyboard and screen-reader friendly). */
export function Dropzone({
  onFiles,
  label,
  hint,
  multiple = true,
  disabled = false,
}: {
  onFiles: (files: File[]) => void;
  label: string;
  hint?: string;
  multiple?: boolean;
  disabled?: boolean;
}) {
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [active, setActive] = useState(false);

  const take = (list: FileList | null) => {
    const files = Array.from(list ?? []).filter((f) => f.type.startsWith('image/') || f.type === '');
    if (files.length > 0) {
      onFiles(multiple ? files : files.slice(0, 1));
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setActive(false);
    if (!disabled) {
      take(event.dataTransfer.files);
    }
  };

  return (
    <div
      className={`${styles.zone} ${active ? styles.active : ''} ${disabled ? styles.disabled : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setActive(!disabled);
      }}
      onDragLeave={() => setActive(false)}
      onDrop={onDrop}
      data-testid="dropzone"
    >
      <p style={{ margin: '0 0 0.75rem' }}>
        <strong>{label}</strong>
        {hint && (
          <>
            <br />
            <span className="muted small">{hint}</span>
          </>
        )}
      </p>
      <label htmlFor={inputId} className="button secondary">
        Choose photos…
      </label>
      <input
        id={inputId}
        ref={input}
        className="visually-hidden"
        type="file"
        accept={ACCEPT}
        multiple={multiple}
        disabled={disabled}
        onChange={(e) => {
          take(e.target.files);
          e.target.value = '';
        }}
      />
    </div>
  );
}
