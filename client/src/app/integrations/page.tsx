'use client';

import { AdminOnly } from '@/components/AdminOnly';
import { PageTitle } from '@/components/PageTitle';
import { OneRosterImport } from './OneRosterImport';
import { Webhooks } from './Webhooks';

export default function IntegrationsPage() {
  return (
    <>
      <PageTitle
        title="Integrations"
        subtitle="Courses and rosters from the school system; attendance events to the LMS."
      />
      <AdminOnly what="Importing from the school system and managing webhooks">
        <div className="stack">
          <OneRosterImport />
          <Webhooks />
        </div>
      </AdminOnly>
    </>
  );
}
