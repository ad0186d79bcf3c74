import { describe, expect, it } from 'vitest';
import { createKafkaClient } from './client.ts';
import type { Logger } from './logger.ts';

function capturingLogger() {
  const lines: { level: string; msg: string | undefined }[] = [];
  const at = (level: string) => (_obj: object, msg?: string) => void lines.push({ level, msg });
  const logger: Logger = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
  return { logger, lines };
}

describe("kafkajs's log lines", () => {
  it('are debug for broker answers that resolve themselves, errors otherwise', () => {
    const { logger, lines } = capturingLogger();
    // kafkajs's own logger, wired to ours by createKafkaClient; no broker is contacted.
    const kafkaLog = createKafkaClient({ brokers: ['127.0.0.1:1'], clientId: 'test', logger }).logger();
    kafkaLog.error('Response Metadata(key: 3, version: 6)', { error: 'This server is not the leader for that topic-partition' });
    kafkaLog.error('Response JoinGroup(key: 11, version: 5)', { error: "The coordinator is loading and hence can't process requests for this group" });
    kafkaLog.error('Response Heartbeat(key: 12, version: 3)', { error: 'The group is rebalancing, so a rejoin is needed' });
    kafkaLog.error('Response Produce(key: 0, version: 7)', { error: 'The record is larger than the maximum allowed' });
    kafkaLog.error('Connection error', { error: 'connect ECONNREFUSED 127.0.0.1:1' });
    kafkaLog.warn('The group is rebalancing, re-joining', {});
    // A consumer's first attempt on a fresh broker: it crashes, kafkajs restarts it.
    kafkaLog.error("Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests for this group", { groupId: 'g' });
    kafkaLog.error('Restarting the consumer in 200ms', { groupId: 'g', retryTime: 200 });
    kafkaLog.error('Crash: KafkaJSConnectionClosedError: Closed connection', { groupId: 'g' });
    // A crash that is not a passing broker condition stays an error.
    kafkaLog.error('Crash: KafkaJSNonRetriableError: Consumer group was not initialized', { groupId: 'g' });
    expect(lines.map((line) => line.level)).toEqual(['debug', 'debug', 'debug', 'error', 'error', 'warn', 'debug', 'warn', 'warn', 'error']);
  });
});
