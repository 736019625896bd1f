'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { PageTitle } from '@/components/PageTitle';
import { Empty, ErrorNote, Loading } from '@/components/States';
import { formatDateTime } from '@/lib/format';
import { CoursesQuery, CreateCourseMutation } from './operations';

function CreateCourse({ onCreated }: { onCreated: () => void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [{ fetching, error }, create] = useMutation(CreateCourseMutation);
  const [created, setCreated] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await create({ input: { code: code.trim(), name: name.trim() } });
    if (result.data) {
      setCreated(`${result.data.createCourse.code} · ${result.data.createCourse.name}`);
      setCode('');
      setName('');
      onCreated();
    }
  };

  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} aria-labelledby="create-course">
      <h2 id="create-course">New course</h2>
      <div className="field">
        <label htmlFor="course-code">Code</label>
        <input
          id="course-code"
          type="text"
          required
          maxLength={32}
          placeholder="CS101"
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="course-name">Name</label>
        <input
          id="course-name"
          type="text"
          required
          maxLength={200}
          placeholder="Introduction to Computer Science"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <ErrorNote error={error} />
      {created && !error && (
        <p className="notice ok" role="status">
          Created {created}.
        </p>
      )}
      <div>
        <button className="button" type="submit" disabled={fetching}>
          {fetching ? 'Creating…' : 'Create course'}
        </button>
      </div>
    </form>
  );
}

export default function CoursesPage() {
  const [{ data, fetching, error }, refetch] = useQuery({
    query: CoursesQuery,
    variables: { skip: 0, take: 200 },
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const courses = data?.courses.items ?? [];

  return (
    <>
      <PageTitle title="Courses" subtitle="Your classes, their students and attendance sessions." />
      <div className="grid-2 wide-left">
        <section className="card" aria-labelledby="course-list">
          <h2 id="course-list">
            All courses {data && <span className="muted">({data.courses.total})</span>}
          </h2>
          {error && <ErrorNote error={error} onRetry={reload} />}
          {!data && fetching && <Loading label="Loading courses…" />}
          {data && courses.length === 0 && (
            <Empty title="No courses yet">
              <p>Create your first course with the form on the right.</p>
            </Empty>
          )}
          {courses.length > 0 && (
            <div className="table-wrap" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th>Code</th>
                    <th>Name</th>
                    <th className="num">Students</th>
                    <th className="num">Sessions</th>
                    <th>Last session</th>
                  </tr>
                </thead>
                <tbody>
                  {courses.map((course) => {
                    const last = course.sessions.items[0];
                    return (
                      <tr key={course.id}>
                        <td>
                          <Link href={`/course/?id=${course.id}`}>{course.code}</Link>
                        </td>
                        <td>{course.name}</td>
                        <td className="num">{course.students.total}</td>
                        <td className="num">{course.sessions.total}</td>
                        <td>
                          {last ? (
                            <>
                              {formatDateTime(last.openedAt)}{' '}
                              {last.isOpen && <span className="badge ok">open</span>}
                            </>
                          ) : (
                            <span className="muted">none</span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <CreateCourse onCreated={reload} />
      </div>
    </>
  );
}
