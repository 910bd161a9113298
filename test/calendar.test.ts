// Working days in England: weekends and bank holidays do not count.
import { describe, expect, it } from 'vitest';
import { addWorkingDays, computeDeadline, conditionSchedule, endOfLondonDay, isWorkingDay } from '../src/domain/calendar.js';

describe('working days in England', () => {
  it('skips weekends and bank holidays, including substitute days', () => {
    expect(isWorkingDay('2026-12-25')).toBe(false); // Christmas Day
    expect(isWorkingDay('2026-12-28')).toBe(false); // Boxing Day falls on a Saturday: substitute Monday
    expect(isWorkingDay('2026-12-29')).toBe(true);
    expect(isWorkingDay('2027-03-26')).toBe(false); // Good Friday
    expect(isWorkingDay('2026-11-21')).toBe(false); // a Saturday
    expect(isWorkingDay('2022-09-19')).toBe(false); // the one-off bank holiday for the state funeral
  });

  it('counts ten working days across Christmas and New Year', () => {
    // Monday 21 December 2026: 22, 23, 24, 29, 30, 31 December, then 4, 5, 6, 7 January.
    expect(addWorkingDays('2026-12-21', 10)).toBe('2027-01-07');
  });

  it('honours bank holidays added in configuration', () => {
    expect(addWorkingDays('2026-11-23', 1, ['2026-11-24'])).toBe('2026-11-25');
  });

  it('ends a London day at midnight local time, in summer and in winter', () => {
    expect(endOfLondonDay('2026-07-01').toISOString()).toBe('2026-07-01T22:59:59.999Z');
    expect(endOfLondonDay('2026-01-15').toISOString()).toBe('2026-01-15T23:59:59.999Z');
  });

  it('puts a ten-working-day deadline at the end of the tenth day and its reminder at the end of the eighth', () => {
    const deadline = computeDeadline(new Date('2026-12-21T10:00:00Z'), { kind: 'workingDays', days: 10, text: '10wd' }, 0.8);
    expect(deadline).toEqual({
      startedAt: '2026-12-21T10:00:00.000Z',
      remindAt: '2027-01-05T23:59:59.999Z',
      dueAt: '2027-01-07T23:59:59.999Z',
      spec: '10wd',
    });
  });

  it('scales an elapsed deadline and its reminder', () => {
    const deadline = computeDeadline(new Date('2026-01-01T00:00:00Z'), { kind: 'elapsed', ms: 10_000, text: '10s' }, 0.8);
    expect(deadline.remindAt).toBe('2026-01-01T00:00:08.000Z');
    expect(deadline.dueAt).toBe('2026-01-01T00:00:10.000Z');
  });
});

describe('when a condition falls due', () => {
  const wd = (days: number) => ({ kind: 'workingDays' as const, days, text: `${days}wd` });
  it('falls due at the start of its day in London, reminded the start of the working day that many working days before', () => {
    // Due Tuesday 6 April 2027 (BST): five working days before it, Easter Monday (29 March) skipped, is Tuesday 30 March.
    expect(conditionSchedule('2027-04-06', wd(5), new Date('2027-01-04T10:00:00Z'))).toEqual({ dueAt: '2027-04-05T23:00:00.000Z', remindAt: '2027-03-29T23:00:00.000Z' });
    expect(conditionSchedule('2027-01-15', { kind: 'elapsed', ms: 86_400_000, text: '1d' }, new Date('2027-01-04T10:00:00Z'))).toEqual({ dueAt: '2027-01-15T00:00:00.000Z', remindAt: '2027-01-14T00:00:00.000Z' });
  });
  it('has no reminder once its day has come by the decision, and none of no length', () => {
    expect(conditionSchedule('2027-01-04', wd(5), new Date('2027-01-04T10:00:00Z'))).toEqual({ dueAt: '2027-01-04T00:00:00.000Z' });
    expect(conditionSchedule('2027-01-15', wd(0), new Date('2027-01-04T10:00:00Z'))).toEqual({ dueAt: '2027-01-15T00:00:00.000Z' });
  });
  it('is overdue, when it is still open, at the start of the working day that many working days after its day (or that long after, for elapsed time)', () => {
    // Due Friday 15 January 2027: ten working days on is Friday 29 January.
    expect(conditionSchedule('2027-01-15', wd(5), new Date('2027-01-04T10:00:00Z'), [], wd(10))).toEqual({ dueAt: '2027-01-15T00:00:00.000Z', remindAt: '2027-01-08T00:00:00.000Z', escalateAt: '2027-01-29T00:00:00.000Z' });
    expect(conditionSchedule('2027-01-04', wd(5), new Date('2027-01-04T10:00:00Z'), [], { kind: 'elapsed', ms: 3_600_000, text: '1h' })).toEqual({ dueAt: '2027-01-04T00:00:00.000Z', escalateAt: '2027-01-04T01:00:00.000Z' });
    // Bank holidays are not working days: due Thursday 25 March 2027, Good Friday and Easter Monday skipped, to Tuesday 30 March (BST).
    expect(conditionSchedule('2027-03-25', wd(5), new Date('2027-01-04T10:00:00Z'), [], wd(1)).escalateAt).toBe('2027-03-29T23:00:00.000Z');
  });
});
