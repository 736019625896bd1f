'use client';

import type { ReactNode } from 'react';
import { useRole } from '@/lib/use-role';
import { Empty } from './States';

/** Renders its children for admins; teachers get a short explanation instead of FORBIDDEN errors. */
export function AdminOnly({ children, what }: { children: ReactNode; what: string }) {
  const role = useRole();
  if (role !== null && role !== 'ADMIN') {
    return (
      <div className="card">
        <Empty title="For administrators">
          <p>{what} is only available to administrators of your institution.</p>
        </Empty>
      </div>
    );
  }
  return <>{children}</>;
}
