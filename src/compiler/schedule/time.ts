/** Schedule times are rounded to a microhour so equal times compare equal and artifacts carry no float noise. */
export function roundTime(hours: number): number {
  return Math.round(hours * 1e6) / 1e6;
}
