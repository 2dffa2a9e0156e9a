export {
  WorkingDayCalendar,
  createCalendar,
  FESTIVALS,
  type DayInfo,
  type DayReason,
  type Festival,
} from './working-day-calendar';
export { addDays, addYears, daysBetween, dayOfWeek, todayIn } from './dates';
export { officialDataCovers, officialHoliday, officialWorkday } from './official';
export { parseOptionalRange, parseRange } from './range';
export { dayEndIn, dayStartIn, wallClockText } from './zone';
