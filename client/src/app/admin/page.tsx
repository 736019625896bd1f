'use client';

import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { ShownOnceSecret } from '@/components/ShownOnceSecret';
import { AdminOnly } from '@/components/AdminOnly';
import { ConfirmButton } from '@/components/ConfirmButton';
import { Pager } from '@/components/Pager';
import { PageTitle } from '@/components/PageTitle';
import { Empty, ErrorNote, Loading } from '@/components/States';
import type { ApiScope, Role } from '@/gql/graphql';
import { formatDateTime } from '@/lib/format';
import {
  ApiKeysQuery,
  AuditLogQuery,
  CreateApiKeyMutation,
  CreateUserMutation,
  RevokeApiKeyMutation,
  UsersQuery,
} from './operations';

const AUDIT_PAGE = 25;
const MIN_PASSWORD = 10;

const SCOPES: { scope: ApiScope; label: string; hint: string }[] = [
  { scope: 'ATTENDANCE_READ', label: 'Read attendance', hint: 'sessions, records and reports' },
  { scope: 'PHOTOS_SUBMIT', label: 'Submit photos', hint: 'class photos from a camera or kiosk' },
];

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('TEACHER');
  const [localError, setLocalError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [{ fetching, error }, create] = useMutation(CreateUserMutation);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    if (password.length < MIN_PASSWORD) {
      setLocalError(`The password needs at least ${MIN_PASSWORD} characters.`);
      return;
    }
    setLocalError(null);
    const result = await create({ input: { name: name.trim(), email: email.trim(), password, role } });
    if (result.data) {
      const u = result.data.createUser;
      setCreated(
        `${u.name} (${u.role === 'ADMIN' ? 'administrator' : 'teacher'}) can now sign in as ${u.email}.`,
      );
      setName('');
      setEmail('');
      setPassword('');
      setRole('TEACHER');
      onCreated();
    }
  };

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="create-user">
      <h3 id="create-user" style={{ margin: 0 }}>
        Add a user
      </h3>
      <div className="field">
        <label htmlFor="user-name">Full name</label>
        <input id="user-name" type="text" required value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="user-email">E-mail</label>
        <input
          id="user-email"
          type="email"
          required
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="user-password">Initial password</label>
        <input
          id="user-password"
          type="password"
          required
          autoComplete="new-password"
          minLength={MIN_PASSWORD}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <span className="muted small">At least {MIN_PASSWORD} characters; share it privately.</span>
      </div>
      <div className="field">
        <label htmlFor="user-role">Role</label>
        <select id="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="TEACHER">Teacher: their own courses</option>
          <option value="ADMIN">Administrator: the whole institution</option>
        </select>
      </div>
      <ErrorNote error={localError ?? error} />
      {created && (
        <p className="notice ok" role="status">
          {created}
        </p>
      )}
      <div>
        <button className="button" type="submit" disabled={fetching}>
          {fetching ? 'Adding…' : 'Add user'}
        </button>
      </div>
    </form>
  );
}

function Users() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: UsersQuery });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const users = [...(data?.users ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section className="card" aria-labelledby="users">
      <h2 id="users">Users {data && <span className="muted">({users.length})</span>}</h2>
      <div className="grid-2 wide-left">
        <div>
          {error && !data ? (
            <ErrorNote error={error} onRetry={reload} />
          ) : !data ? (
            fetching && <Loading label="Loading users…" />
          ) : users.length === 0 ? (
            <Empty title="No users yet" />
          ) : (
            <div className="table-wrap" tabIndex={0}>
              <table data-testid="users">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>E-mail</th>
                    <th>Role</th>
                    <th>Added</th>
                  </tr>
                </thead>
                <tbody>
                  {users.map((u) => (
                    <tr key={u.id}>
                      <td>
                        {u.name} {u.disabledAt && <span className="badge bad">disabled</span>}
                      </td>
                      <td>{u.email}</td>
                      <td>
                        <span className={u.role === 'ADMIN' ? 'badge info' : 'badge'}>
                          {u.role === 'ADMIN' ? 'admin' : 'teacher'}
                        </span>
                      </td>
                      <td>{formatDateTime(u.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
        <CreateUser onCreated={reload} />
      </div>
    </section>
  );
}

function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <ShownOnceSecret
      title={<>Key “{name}” created. Copy it now: it is shown only once.</>}
      secret={secret}
      what="key"
      testId="api-key"
      onDone={onDone}
    >
      Send it as <code>X-Api-Key: …</code> (or <code>Authorization: ApiKey …</code>). Rollcall keeps only a
      hash and cannot show it again.
    </ShownOnceSecret>
  );
}

function ApiKeys() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ApiKeysQuery });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>(['ATTENDANCE_READ']);
  const [courseId, setCourseId] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [created, create] = useMutation(CreateApiKeyMutation);
  const [revoked, revoke] = useMutation(RevokeApiKeyMutation);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const courses = new Map((data?.courses.items ?? []).map((c) => [c.id, c]));
  // createdBy is an actor (user:<id>); show the e-mail where the user is known.
  const actors = new Map((data?.users ?? []).map((u) => [`user:${u.id}`, u.email]));
  const keys = [...(data?.apiKeys ?? [])].sort(
    (a, b) =>
      Number(Boolean(a.revokedAt)) - Number(Boolean(b.revokedAt)) ||
      Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (scopes.length === 0) {
      setLocalError('Choose at least one thing the key may do.');
      return;
    }
    setLocalError(null);
    setSecret(null);
    const result = await create({ input: { name: name.trim(), scopes, courseId: courseId || null } });
    if (result.data) {
      setSecret({ name: result.data.createApiKey.apiKey.name, secret: result.data.createApiKey.secret });
      setName('');
      setScopes(['ATTENDANCE_READ']);
      setCourseId('');
      reload();
    }
  };

  const toggle = (scope: ApiScope, on: boolean) =>
    setScopes((list) => (on ? [...new Set([...list, scope])] : list.filter((s) => s !== scope)));

  return (
    <section className="card stack" aria-labelledby="api-keys">
      <h2 id="api-keys" style={{ margin: 0 }}>
        Integration keys{' '}
        {data && <span className="muted">({keys.filter((k) => !k.revokedAt).length} active)</span>}
      </h2>
      <p className="muted small" style={{ margin: 0 }}>
        For cameras, kiosks and school systems that talk to Rollcall without a person signing in.
      </p>
      {secret && <NewSecret name={secret.name} secret={secret.secret} onDone={() => setSecret(null)} />}
      <div className="grid-2 wide-left">
        <div className="stack">
          <ErrorNote error={revoked.error} />
          {error && !data ? (
            <ErrorNote error={error} onRetry={reload} />
          ) : !data ? (
            fetching && <Loading label="Loading keys…" />
          ) : keys.length === 0 ? (
            <Empty title="No integration keys">
              <p>Create one with the form when a device or system needs access.</p>
            </Empty>
          ) : (
            <div className="table-wrap" tabIndex={0}>
              <table data-testid="api-keys">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Key</th>
                    <th>Allows</th>
                    <th>Course</th>
                    <th>Last used</th>
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {keys.map((k) => {
                    const course = k.courseId ? courses.get(k.courseId) : undefined;
                    return (
                      <tr
                        key={k.id}
                        data-testid="api-key"
                        data-name={k.name}
                        data-revoked={Boolean(k.revokedAt)}
                      >
                        <td>
                          {k.name}
                          <div className="muted small">
                            by {actors.get(k.createdBy) ?? k.createdBy}, {formatDateTime(k.createdAt)}
                          </div>
                        </td>
                        <td>
                          <code>{k.prefix}…</code>
                        </td>
                        <td className="small">
                          {k.scopes.map((s) => SCOPES.find((x) => x.scope === s)?.label ?? s).join(', ')}
                        </td>
                        <td>
                          {k.courseId ? (course?.code ?? k.courseId) : <span className="muted">all</span>}
                        </td>
                        <td>
                          {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : <span className="muted">never</span>}
                        </td>
                        <td>
                          {k.revokedAt ? (
                            <span className="badge bad">revoked {formatDateTime(k.revokedAt)}</span>
                          ) : (
                            <ConfirmButton
                              className="button danger secondary small"
                              title={`Revoke ${k.name}`}
                              message={`Revoke “${k.name}” (${k.prefix}…)? Whatever uses it loses access at once.`}
                              confirmLabel="Revoke key"
                              danger
                              disabled={revoked.fetching}
                              onConfirm={() => void revoke({ id: k.id }).then(reload)}
                            >
                              Revoke…
                            </ConfirmButton>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </div>
        <form className="stack" onSubmit={(e) => void submit(e)} aria-labelledby="create-key">
          <h3 id="create-key" style={{ margin: 0 }}>
            New key
          </h3>
          <div className="field">
            <label htmlFor="key-name">Name</label>
            <input
              id="key-name"
              type="text"
              required
              placeholder="Room 101 camera"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <fieldset className="stack" style={{ gap: '0.4rem', border: 0, padding: 0, margin: 0 }}>
            <legend className="label">Allows</legend>
            {SCOPES.map((s) => (
              <div className="checkbox" key={s.scope}>
                <input
                  id={`scope-${s.scope}`}
                  type="checkbox"
                  checked={scopes.includes(s.scope)}
                  onChange={(e) => toggle(s.scope, e.target.checked)}
                />
                <label htmlFor={`scope-${s.scope}`}>
                  {s.label} <span className="muted small">({s.hint})</span>
                </label>
              </div>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="key-course">Course</label>
            <select id="key-course" value={courseId} onChange={(e) => setCourseId(e.target.value)}>
              <option value="">All courses</option>
              {[...courses.values()].map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code} · {c.name}
                </option>
              ))}
            </select>
          </div>
          <ErrorNote error={localError ?? created.error} />
          <div>
            <button className="button" type="submit" disabled={created.fetching}>
              {created.fetching ? 'Creating…' : 'Create key'}
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}

function details(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 140 ? `${text.slice(0, 140)}…` : text;
}

function AuditLog() {
  const [skip, setSkip] = useState(0);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: AuditLogQuery,
    variables: { skip, take: AUDIT_PAGE },
    requestPolicy: 'cache-and-network',
  });
  const page = data?.auditLog;
  return (
    <section className="card stack" aria-labelledby="audit">
      <div className="spread">
        <h2 id="audit" style={{ margin: 0 }}>
          Audit log {page && <span className="muted">({page.total})</span>}
        </h2>
        <button
          type="button"
          className="button secondary small"
          disabled={fetching}
          onClick={() => refetch({ requestPolicy: 'network-only' })}
        >
          Refresh
        </button>
      </div>
      <p className="muted small" style={{ margin: 0 }}>
        Who enrolled, viewed, corrected or deleted face data, and who changed users and keys.
      </p>
      {error && !page ? (
        <ErrorNote error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : !page ? (
        <Loading label="Loading the audit log…" />
      ) : page.items.length === 0 ? (
        <Empty title="Nothing recorded yet" />
      ) : (
        <>
          <div className="table-wrap" tabIndex={0}>
            <table data-testid="audit-log">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Who</th>
                  <th>Action</th>
                  <th>What</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((e) => (
                  <tr key={e.id}>
                    <td className="small">{formatDateTime(e.at)}</td>
                    <td>{e.actorLabel}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td className="small">
                      {e.targetType}
                      {e.targetId && <div className="muted">{e.targetId}</div>}
                    </td>
                    <td className="small muted" style={{ overflowWrap: 'anywhere' }}>
                      {details(e.details)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            skip={skip}
            pageSize={AUDIT_PAGE}
            shown={page.items.length}
            total={page.total}
            hasMore={page.hasMore}
            busy={fetching}
            onSkip={setSkip}
          />
        </>
      )}
    </section>
  );
}

export default function AdminPage() {
  return (
    <>
      <PageTitle
        title="Administration"
        subtitle="Users, integration keys and the audit log of your institution."
      />
      <AdminOnly what="Administration">
        <div className="stack">
          <Users />
          <ApiKeys />
          <AuditLog />
        </div>
      </AdminOnly>
    </>
  );
}
