import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { TopicConsumer, type TopicConsumerOptions } from './consumer.ts';

describe('TopicConsumer', () => {
  it('refuses runs in a replay: a replay skips a failed record, and skipping a run would lose the rest of it', () => {
    const options = {
      // Never reached: the options are refused before any client is made.
      runtime: {} as TopicConsumerOptions<'dispatchOffers'>['runtime'],
      groupId: 'g',
      topics: ['dispatchOffers'],
      mode: { kind: 'replay' },
      undecodable: 'skip',
      logger: pino({ level: 'silent' }),
      handleRun: async () => {},
    } as const;
    expect(() => new TopicConsumer(options)).toThrow('handleRun is for shared groups');
  });
});
