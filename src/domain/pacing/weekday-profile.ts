// How spend is spread over the week: a factor per weekday (mean 1), so a projection of the remaining
// days of a flight knows that its weekends spend less than its Tuesdays.

/** Monday = 0 … Sunday = 6 of a day counted from 1970-01-01 (a Thursday). */
export function weekdayOfEpochDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/**
 * The weekday factors (Monday first, mean 1) of a daily series whose last element falls on weekday
 * `lastWeekday`: each day against the mean of the whole week centred on it, the median per weekday.
 * Only days inside the series' delivering stretch count (from its first to its last positive day);
 * null when fewer than two whole weeks can be read there (then every day weighs the same).
 * @example weekdayProfile(eightWeeksOfSpend, 6) // [1.08, 1.1, 1.09, 1.05, 0.98, 0.86, 0.84]
 */
export function weekdayProfile(daily: readonly number[], lastWeekday: number): number[] | null {
  const first = daily.findIndex((v) => v > 0);
  let last = daily.length - 1;
  while (last >= 0 && !((daily[last] ?? 0) > 0)) last--;
  if (first < 0 || last - first + 1 < 14) return null;
  const ratios: number[][] = Array.from({ length: 7 }, () => []);
  const n = daily.length;
  for (let i = first + 3; i <= last - 3; i++) {
    let sum = 0;
    for (let j = i - 3; j <= i + 3; j++) sum += daily[j] ?? 0;
    if (sum <= 0) continue;
    const w = (((lastWeekday - (n - 1 - i)) % 7) + 7) % 7;
    ratios[w]?.push((daily[i] ?? 0) / (sum / 7));
  }
  if (ratios.some((r) => r.length < 2)) return null;
  const med = ratios.map((r) => {
    const s = [...r].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  });
  const mean = med.reduce((a, b) => a + b, 0) / 7;
  return mean > 0 ? med.map((f) => f / mean) : null;
}
