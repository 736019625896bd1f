'use client';

import Link from 'next/link';
import { useEffect, type ReactNode } from 'react';

export interface Crumb {
  href: string;
  label: string;
}

/** The page heading with its breadcrumb trail; also sets the document title. */
export function PageTitle({
  title,
  crumbs = [],
  actions,
  subtitle,
}: {
  title: string;
  crumbs?: Crumb[];
  actions?: ReactNode;
  subtitle?: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · Rollcall`;
  }, [title]);
  return (
    <div className="stack" style={{ gap: '0.25rem', marginBottom: '1.25rem' }}>
      {crumbs.length > 0 && (
        <nav aria-label="Breadcrumb" className="small">
          {crumbs.map((crumb, i) => (
            <span key={crumb.href}>
              {i > 0 && ' / '}
              <Link href={crumb.href}>{crumb.label}</Link>
            </span>
          ))}
        </nav>
      )}
      <div className="spread">
        <h1>{title}</h1>
        {actions && <div className="row">{actions}</div>}
      </div>
      {subtitle && <div className="muted">{subtitle}</div>}
    </div>
  );
}
