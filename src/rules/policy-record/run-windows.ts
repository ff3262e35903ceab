// SPEC-260 `run_windows`: when unattended agent runs may push. Zod-free (the rule uses it on the
// hot path; the config schema validates with `parseRunWindow`).
//
//   weekday:09:00-18:00        Monday to Friday (also: weekdays)
//   weekend:10:00-14:00        Saturday and Sunday
//   daily:00:00-24:00          every day
//   mon,wed,fri:08:30-12:00    day names (mon … sun, or monday … sunday), lists and ranges
//   sat-sun:22:00-02:00        a window that ends before it starts runs past midnight
//
// Times are in `run_windows_timezone` (an IANA zone; default UTC). A window that crosses
// midnight belongs to the day it starts on.

export interface RunWindow {
  text: string;
  /** 0 = Sunday … 6 = Saturday. */
  days: ReadonlySet<number>;
  /** Minutes after midnight; end may be ≤ start (crosses midnight); 1440 = 24:00. */
  start: number;
  end: number;
}

const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FULL: Record<string, string> = {
  sunday: 'sun',
  monday: 'mon',
  tuesday: 'tue',
  wednesday: 'wed',
  thursday: 'thu',
  friday: 'fri',
  saturday: 'sat',
  tues: 'tue',
  thur: 'thu',
  thurs: 'thu',
};

function day(name: string): number | null {
  const n = name.toLowerCase();
  const short = FULL[n] ?? n;
  return short in DAYS ? DAYS[short]! : null;
}

function minutes(hhmm: string): number | null {
  const m = /^([01]?\d|2[0-4]):([0-5]\d)$/.exec(hhmm);
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v > 1440 ? null : v;
}

/** A window, or the reason it is not one (for a config error at the entry's position). */
export function parseRunWindow(text: string): RunWindow | string {
  const m = /^\s*([A-Za-z,\- ]+?)\s*:\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(text);
  if (!m) return `"${text}" is not a run window: expected <days>:HH:MM-HH:MM (e.g. weekday:09:00-18:00, daily:…, mon,wed:…, sat-sun:…)`;
  const [, spec, from, to] = m;
  const start = minutes(from!);
  const end = minutes(to!);
  if (start === null || end === null) return `"${text}": times are HH:MM from 00:00 to 24:00`;
  if (start === end) return `"${text}": the window is empty (start equals end)`;
  if (start === 1440) return `"${text}": a window cannot start at 24:00`;
  const days = new Set<number>();
  for (const part of spec!
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())) {
    if (part === 'daily' || part === 'everyday' || part === 'any') [0, 1, 2, 3, 4, 5, 6].forEach((d) => days.add(d));
    else if (part === 'weekday' || part === 'weekdays') [1, 2, 3, 4, 5].forEach((d) => days.add(d));
    else if (part === 'weekend' || part === 'weekends') [0, 6].forEach((d) => days.add(d));
    else if (part.includes('-')) {
      const [a, b] = part.split('-').map((s) => day(s.trim()));
      if (a === null || b === null || a === undefined || b === undefined) return `"${text}": "${part}" is not a range of day names (mon … sun)`;
      for (let d = a; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === b) break;
      }
    } else {
      const d = day(part);
      if (d === null) return `"${text}": "${part}" is not a day (daily, weekday, weekend, or mon … sun)`;
      days.add(d);
    }
  }
  return { text, days, start, end };
}

/** Whether a timezone name is one the runtime knows. */
export function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const WEEKDAY: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Day of week and minute of day of `at` in `timeZone`. */
export function localTime(at: number, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: WEEKDAY[get('weekday')] ?? 0, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** True when `at` falls inside the window. */
export function inWindow(w: RunWindow, at: number, timeZone: string): boolean {
  const { day, minute } = localTime(at, timeZone);
  if (w.start < w.end) return w.days.has(day) && minute >= w.start && minute < w.end;
  // Past midnight: the evening part on a listed day, the morning part on the day after one.
  return (w.days.has(day) && minute >= w.start) || (w.days.has((day + 6) % 7) && minute < w.end);
}
