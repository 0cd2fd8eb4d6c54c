// Known instants for tests whose answers depend on the calendar (business
// days, report periods). hao's deadline clock honours HAO_FAKE_NOW (unix
// seconds; see src/core/clock.h), so a test pins the server to one of these
// instead of running on whatever day, hour or quarter CI happens to start.
// All instants are in the near future, so nothing filed under them is already
// overdue on the real clock, and they are given in China Standard Time (UTC+8,
// no daylight saving), the zone hao counts business days and periods in.

export const DAY = 86400;
const CST = 8 * 3600;

// Unix seconds of the first `weekday` (0 Sunday .. 6 Saturday) at hh:mm CST
// that is at least `minDays` days from now.
export function chinaWeekday(weekday, hh, mm = 0, minDays = 7) {
  const start = new Date((Math.floor(Date.now() / 1000) + minDays * DAY + CST) * 1000);
  let y = start.getUTCFullYear(), m = start.getUTCMonth(), d = start.getUTCDate();
  while (new Date(Date.UTC(y, m, d)).getUTCDay() !== weekday) d++;
  return Date.UTC(y, m, d, hh, mm) / 1000 - CST;
}

// The same instant moved to the first `weekday` at hh:mm CST after it.
export function nextChinaWeekday(after, weekday, hh, mm = 0) {
  const t = new Date((after + DAY + CST) * 1000);
  let y = t.getUTCFullYear(), m = t.getUTCMonth(), d = t.getUTCDate();
  while (new Date(Date.UTC(y, m, d)).getUTCDay() !== weekday) d++;
  return Date.UTC(y, m, d, hh, mm) / 1000 - CST;
}

// 10:00 CST on the 15th of the middle month of the next quarter: far from any
// year, quarter, month or day boundary, so everything a test files lands in
// one report period.
export function midQuarter() {
  const now = new Date((Math.floor(Date.now() / 1000) + CST) * 1000);
  const q = Math.floor(now.getUTCMonth() / 3) + 1; // next quarter, 0-based index
  const y = now.getUTCFullYear() + Math.floor(q / 4);
  return Date.UTC(y, (q % 4) * 3 + 1, 15, 10, 0) / 1000 - CST;
}

// What a unix instant is in China: { date: 'YYYY-MM-DD', weekday: 0..6, time: 'HH:MM' }.
export function inChina(t) {
  const d = new Date((t + CST) * 1000);
  return { date: d.toISOString().slice(0, 10), weekday: d.getUTCDay(), time: d.toISOString().slice(11, 16) };
}
