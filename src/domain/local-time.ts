/** Offset of `timeZone` from UTC at `instant`, in minutes (east positive). */
function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

export const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * The next instant after `now` at which the wall clock in `timeZone` reads `hhmm`. On the day a
 * clock skips that time (spring forward), the same time after the jump (02:30 becomes 03:30).
 */
export function nextLocalTime(now: Date, hhmm: string, timeZone: string): Date {
  const m = LOCAL_TIME.exec(hhmm);
  if (!m) throw new RangeError(`local time "${hhmm}" must be HH:MM (00:00 to 23:59)`);
  const [h, min] = [Number(m[1]), Number(m[2])];
  const offset = zoneOffsetMinutes(now, timeZone);
  const local = new Date(now.getTime() + offset * 60_000);
  for (let day = 0; day < 3; day++) {
    const wallAsUtc = Date.UTC(
      local.getUTCFullYear(),
      local.getUTCMonth(),
      local.getUTCDate() + day,
      h,
      min,
    );
    // The offset in force at the target instant may differ from now's (DST): try both.
    const first = wallAsUtc - zoneOffsetMinutes(new Date(wallAsUtc), timeZone) * 60_000;
    const second = wallAsUtc - zoneOffsetMinutes(new Date(first), timeZone) * 60_000;
    const exact = [second, first].find((t) => readsAs(t, timeZone, h, min));
    const at = exact ?? Math.max(first, second);
    if (at > now.getTime()) return new Date(at);
  }
  throw new RangeError(`no ${hhmm} in ${timeZone} within two days of ${now.toISOString()}`);
}

function readsAs(instant: number, timeZone: string, h: number, min: number): boolean {
  const local = new Date(instant + zoneOffsetMinutes(new Date(instant), timeZone) * 60_000);
  return local.getUTCHours() === h && local.getUTCMinutes() === min;
}
