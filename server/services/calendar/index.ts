export { WorkingDayCalendar, createCalendar, type DayInfo, type DayReason } from './working-day-calendar';
export { addDays, addYears, daysBetween, dayOfWeek, todayIn } from './dates';
export { officialDataCovers, officialHoliday, officialWorkday } from './official';
export { parseOptionalRange, parseRange } from './range';
export { dayEndIn, dayStartIn, wallClockText } from './zone';
