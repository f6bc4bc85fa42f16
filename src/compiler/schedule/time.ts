/**
 * Schedule times are rounded to a microhour so equal times compare equal and artifacts carry no float
 * noise: the same rounding as every duration (../duration.ts), under the name the schedulers read best.
 */
export { roundHours as roundTime } from '../duration.js';
