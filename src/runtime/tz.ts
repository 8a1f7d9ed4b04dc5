/** True when `tz` is an IANA zone this Node (ICU) knows, e.g. `Europe/Paris` or `UTC`. */
export function isTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
