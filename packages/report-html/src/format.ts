import { formatDuration } from 'processes-core/internal';

/** A duration as people read it: `0.4 ms`, `850 ms`, `12.40 s`, `3 min 05 s`, `2 h 03 min`. */
export { formatDuration };

const pad = (n: number): string => String(n).padStart(2, '0');

/** `YYYYMMDD` in local time, as in the Python library's subject line. */
export function formatDateStamp(date: Date): string {
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
}

/** `YYYY-MM-DD HH:MM:SS ±HH:MM` in local time, with the offset so the reader knows which time. */
export function formatDateTime(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} ` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
