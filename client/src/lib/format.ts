import { type AttendanceStatus } from '@/gql/graphql';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDateTime = (iso: string | null | undefined): string =>
  iso ? dateTime.format(new Date(iso)) : '—';
export const formatTime = (iso: string | null | undefined): string =>
  iso ? time.format(new Date(iso)) : '—';
export const formatDate = (iso: string | null | undefined): string =>
  iso ? date.format(new Date(iso)) : '—';

export const formatPercent = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;

export const STATUS_LABEL: Record<AttendanceStatus, string> = {
  PRESENT: 'Present',
  LATE: 'Late',
  EXCUSED: 'Excused',
  ABSENT: 'Absent',
};

export const STATUSES: AttendanceStatus[] = ['PRESENT', 'LATE', 'EXCUSED', 'ABSENT'];

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

/**
 * A calibrated match confidence in words a teacher can act on; the number stays available on demand.
 * The bands follow the calibration: under 2% the candidate is not proposed at all (server side).
 */
export function confidenceWords(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return 'No likely match';
  }
  if (value >= 0.9) {
    return 'Strong match';
  }
  if (value >= 0.5) {
    return 'Good match';
  }
  if (value >= 0.15) {
    return 'Some resemblance: please check';
  }
  return 'Weak resemblance: check carefully';
}

export const SOURCE_WORDS: Record<string, string> = {
  AUTO: 'recognised in a photo',
  CONFIRMED: 'confirmed by you in a photo',
  MANUAL: 'set by teacher',
};

/** Next status of the one-tap cycle; a student not seen yet starts at present. */
export function nextStatus(current: AttendanceStatus | null | undefined): AttendanceStatus {
  const order: AttendanceStatus[] = ['PRESENT', 'LATE', 'EXCUSED', 'ABSENT'];
  if (!current) {
    return 'PRESENT';
  }
  return order[(order.indexOf(current) + 1) % order.length]!;
}

export const EXCUSE_REASONS = [
  'Sick',
  'Medical appointment',
  'Family reason',
  'School activity',
  'Transport',
];

/** Local date and time for spreadsheets: "2026-12-03 09:41", no seconds, no time zone letters. */
export function spreadsheetTime(iso: string | null | undefined): string {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "Ada L." for labels on a crowded photo. */
export function shortName(name: string): string {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? `${parts[0]} ${parts[parts.length - 1]![0]}.` : (parts[0] ?? name);
}

/** How a mark came about, in words; an absence recorded at closing is "not seen", not "recognised". */
export function howWords(status: AttendanceStatus, source: string): string {
  if (status === 'ABSENT' && source === 'AUTO') {
    return 'not seen in any photo';
  }
  return SOURCE_WORDS[source] ?? '';
}
