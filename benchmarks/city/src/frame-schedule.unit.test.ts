import { describe, expect, it } from 'vitest';
import { FrameSchedule } from './frame-schedule.ts';

describe('FrameSchedule', () => {
  it('sends every driver once per period, spread over the slots', () => {
    const schedule = new FrameSchedule(100, 20, 0); // 5 slots
    for (let driver = 0; driver < 10; driver++) schedule.add(driver);
    const sent: number[] = [];
    schedule.playDue(99, (driver) => sent.push(driver));
    expect(sent.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(schedule.nextDue()).toBe(100);
  });

  it('plays the slots a late wake-up missed, and says how late each was', () => {
    const schedule = new FrameSchedule(100, 20, 0);
    schedule.add(0);
    expect(schedule.playDue(0, () => {})).toEqual([0]);
    let frames = 0;
    expect(schedule.playDue(65, () => frames++)).toEqual([45, 25, 5]); // slots due at 20, 40, 60
    expect(frames).toBe(0); // driver 0 sits in slot 0, due again at 100
    schedule.playDue(100, () => frames++);
    expect(frames).toBe(1);
  });

  it('puts a driver added later into the emptiest slot', () => {
    const schedule = new FrameSchedule(40, 20, 0); // 2 slots
    schedule.add(0);
    schedule.add(1);
    schedule.add(2);
    const firstSlot: number[] = [];
    schedule.playDue(0, (driver) => firstSlot.push(driver));
    expect(firstSlot).toEqual([0, 2]);
  });
});
