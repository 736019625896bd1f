'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

export default function Home() {
  const router = useRouter();
  useEffect(() => {
    router.replace('/courses/');
  }, [router]);
  return (
    <p>
      <Link href="/courses/">Go to your courses</Link>
    </p>
  );
}
