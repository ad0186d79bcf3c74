import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kafkaServerProperties, randomClusterId } from './broker.ts';
import { DEFAULT_KAFKA_VERSION, KAFKA_POM } from './distribution.ts';
import { findKafkaTool, KAFKA_TOOLS, withBootstrapServer } from './tools.ts';

describe('the Kafka version', () => {
  it('is the same default in kafka/pom.xml and DEFAULT_KAFKA_VERSION', () => {
    const pom = readFileSync(KAFKA_POM, 'utf8');
    expect(/<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1]).toBe(DEFAULT_KAFKA_VERSION);
  });
});

describe('kafkaServerProperties', () => {
  const parse = (text: string) =>
    new Map(
      text
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
    );

  it('configures a single-node KRaft broker+controller on 127.0.0.1 only', () => {
    const props = parse(kafkaServerProperties({ port: 19092, controllerPort: 19093, kraftDir: '/tmp/k' }));
    expect(Object.fromEntries(props)).toMatchObject({
      'process.roles': 'broker,controller',
      'node.id': '1',
      listeners: 'PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093',
      'controller.quorum.bootstrap.servers': '127.0.0.1:19093',
      'log.dirs': '/tmp/k',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'min.insync.replicas': '1',
      'auto.create.topics.enable': 'false',
      'group.initial.rebalance.delay.ms': '0',
    });
    expect(props.get('advertised.listeners')).toContain('PLAINTEXT://127.0.0.1:19092');
  });

  it('lets callers override entries', () => {
    const props = parse(kafkaServerProperties({ port: 1, controllerPort: 2, kraftDir: '/k', properties: { 'auto.create.topics.enable': true } }));
    expect(props.get('auto.create.topics.enable')).toBe('true');
  });
});

describe('randomClusterId', () => {
  it('looks like kafka-storage random-uuid output', () => {
    for (let i = 0; i < 200; i++) {
      const id = randomClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });
});

describe('withBootstrapServer', () => {
  const tool = (name: string) => {
    const found = findKafkaTool(name);
    if (!found) throw new Error(name);
    return found;
  };

  it('adds --bootstrap-server when none is given', () => {
    expect(withBootstrapServer(tool('topics'), ['--list'], '127.0.0.1:9092')).toEqual(['--bootstrap-server', '127.0.0.1:9092', '--list']);
  });

  it('keeps the one the user gave, in either form, and --bootstrap-controller', () => {
    expect(withBootstrapServer(tool('topics'), ['--bootstrap-server', 'h:1', '--list'], 'x:2')).toEqual(['--bootstrap-server', 'h:1', '--list']);
    expect(withBootstrapServer(tool('topics'), ['--bootstrap-server=h:1', '--list'], 'x:2')).toEqual(['--bootstrap-server=h:1', '--list']);
    expect(withBootstrapServer(tool('metadata-quorum'), ['--bootstrap-controller', 'h:3', 'describe'], 'x:2')).toEqual([
      '--bootstrap-controller',
      'h:3',
      'describe',
    ]);
  });

  it('puts it after the sub-command for the cluster tool, and nowhere for file tools or --help', () => {
    expect(withBootstrapServer(tool('cluster'), ['cluster-id'], 'x:2')).toEqual(['cluster-id', '--bootstrap-server', 'x:2']);
    expect(withBootstrapServer(tool('dump-log'), ['--files', 'a.log'], 'x:2')).toEqual(['--files', 'a.log']);
    expect(withBootstrapServer(tool('topics'), ['--help'], 'x:2')).toEqual(['--help']);
  });

  it('names every tool once', () => {
    expect(new Set(KAFKA_TOOLS.map((t) => t.name)).size).toBe(KAFKA_TOOLS.length);
  });
});
