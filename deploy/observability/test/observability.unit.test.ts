import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportedMetrics, REPO_ROOT, seriesNames } from './exported-metrics.ts';
import { parsePromQL } from './promql.ts';

const here = path.resolve(import.meta.dirname, '..');
const readYaml = (file: string): unknown => parse(readFileSync(path.join(here, file), 'utf8'));

interface Rule {
  readonly alert?: string;
  readonly record?: string;
  readonly expr?: unknown;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}
const rules = (readYaml('prometheus/alerts.yml') as { groups: { name: string; rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

interface Panel {
  readonly title: string;
  readonly type: string;
  readonly datasource?: { readonly uid: string };
  readonly targets?: readonly { readonly expr: string }[];
}
const dashboard = JSON.parse(readFileSync(path.join(here, 'grafana/dashboards/rideline-overview.json'), 'utf8')) as { uid: string; panels: Panel[] };

const metrics = exportedMetrics();
/** Series a query may name: the services' own, and `up`, which Prometheus writes for each target. */
const known = new Set([...metrics.flatMap(seriesNames), 'up']);

describe('the metrics the services export', () => {
  it('are found in the source (the check below would pass vacuously otherwise)', () => {
    expect(metrics.length).toBeGreaterThan(30);
  });

  it.each(metrics.map((m) => [m.name, m] as const))('%s follows the Prometheus naming conventions', (_name, metric) => {
    expect(metric.name, metric.file).toMatch(/^rideline_[a-z][a-z0-9_]*[a-z0-9]$/);
    // Counters end in _total, and nothing else does; histograms are of a base unit.
    if (metric.type === 'counter') expect(metric.name, metric.file).toMatch(/_total$/);
    else expect(metric.name, metric.file).not.toMatch(/_total$/);
    if (metric.type === 'histogram') expect(metric.name, metric.file).toMatch(/_(seconds|bytes)$/);
    expect(metric.name).not.toMatch(/_(milliseconds|ms)$/);
  });

  it('are each defined once', () => {
    const names = metrics.map((m) => m.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });
});

describe('alerts.yml', () => {
  it.each(rules.map((r) => [r.alert ?? r.record ?? '(unnamed)', r] as const))('%s parses and names only exported metrics', (_name, rule) => {
    expect(rule.alert, 'every rule is an alert with a name').toMatch(/^Rideline[A-Za-z0-9]+$/);
    expect(typeof rule.expr).toBe('string');
    const expr = String(rule.expr).trim();
    expect(expr).not.toBe('');
    const parsed = parsePromQL(expr);
    expect(parsed.errorAt, `syntax error at ${parsed.errorAt} in ${expr}`).toBeNull();
    expect(parsed.metrics.length).toBeGreaterThan(0);
    expect(parsed.metrics.filter((name) => !known.has(name))).toEqual([]);
    expect(['warning', 'critical']).toContain(rule.labels?.['severity']);
    expect(rule.annotations?.['summary']).toBeTruthy();
    if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
  });

  it.each([
    ['consumer lag', 'rideline_kafka_consumer_lag_records'],
    ['the outbox age', 'rideline_outbox_oldest_row_age_seconds'],
    ['the 5xx rate', 'rideline_http_request_duration_seconds_count'],
    ['dead letters', 'rideline_dead_letter_records_total'],
  ])('alerts on %s', (_what, metric) => {
    expect(rules.some((rule) => parsePromQL(String(rule.expr)).metrics.includes(metric))).toBe(true);
  });

  it('alert names are unique', () => {
    const names = rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('prometheus.yml', () => {
  const config = readYaml('prometheus/prometheus.yml') as {
    rule_files: string[];
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };

  it('loads the alert rules', () => {
    expect(config.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
  });

  it('scrapes the three services at the ports docker-compose gives them', () => {
    const compose = readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    const targets = Object.fromEntries(config.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((s) => s.targets)]));
    expect(Object.keys(targets).sort()).toEqual(['booking-service', 'dispatch-service', 'realtime-gateway']);
    for (const [job, [target]] of Object.entries(targets)) {
      const port = target!.split(':')[1];
      expect(target).toBe(`${job}:${port}`);
      // The port each service listens on, as compose publishes it ('3001:3001').
      expect(compose).toMatch(new RegExp(`${job}:[\\s\\S]*?ports: \\['${port}:${port}'\\]`));
    }
  });
});

describe('the Grafana dashboard', () => {
  const datasources = (readYaml('grafana/provisioning/datasources/prometheus.yml') as { datasources: { uid: string }[] }).datasources;
  const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');

  it('queries the provisioned Prometheus', () => {
    expect(queryPanels.length).toBeGreaterThan(10);
    for (const panel of queryPanels)
      expect(
        datasources.map((d) => d.uid),
        panel.title,
      ).toContain(panel.datasource?.uid);
  });

  it.each(queryPanels.map((p) => [p.title, p] as const))('panel "%s" parses and names only exported metrics', (_title, panel) => {
    expect(panel.targets?.length).toBeGreaterThan(0);
    for (const { expr } of panel.targets ?? []) {
      const parsed = parsePromQL(expr);
      expect(parsed.errorAt, `syntax error at ${parsed.errorAt} in ${expr}`).toBeNull();
      expect(parsed.metrics.filter((name) => !known.has(name))).toEqual([]);
    }
  });

  it.each([
    'rideline_kafka_consumer_lag_records',
    'rideline_outbox_backlog_rows',
    'rideline_outbox_oldest_row_age_seconds',
    'rideline_dead_letter_records_total',
    'rideline_booking_transitions_total',
    'rideline_dispatch_offers_sent_total',
    'rideline_dispatch_offers_revoked_total',
    'rideline_gateway_sockets_opened_total',
    'rideline_gateway_sockets_closed_total',
  ])('shows %s', (metric) => {
    const used = queryPanels.flatMap((p) => (p.targets ?? []).flatMap((t) => parsePromQL(t.expr).metrics));
    expect(used).toContain(metric);
  });
});

describe("docker-compose's observability profile", () => {
  interface ComposeService {
    readonly profiles?: string[];
    readonly volumes?: string[];
    readonly environment?: Record<string, string>;
  }
  const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const profiled = ['prometheus', 'grafana', 'kafka-ui', 'jaeger'];

  it('starts Prometheus, Grafana, the Kafka UI and Jaeger only with the profile', () => {
    for (const name of profiled) expect(compose.services[name]?.profiles, name).toEqual(['observability']);
    for (const [name, service] of Object.entries(compose.services)) {
      if (!profiled.includes(name)) expect(service.profiles, name).toBeUndefined();
    }
  });

  it('mounts files that exist, where the configuration looks for them', () => {
    const mounts = profiled.flatMap((name) => (compose.services[name]?.volumes ?? []).filter((v) => v.startsWith('./')));
    for (const mount of mounts) expect(existsSync(path.join(REPO_ROOT, mount.split(':')[0]!)), mount).toBe(true);
    expect(mounts).toContain('./deploy/observability/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro');
    const provider = readYaml('grafana/provisioning/dashboards/rideline.yml') as { providers: { options: { path: string } }[] };
    expect(mounts).toContain(`./deploy/observability/grafana/dashboards:${provider.providers[0]!.options.path}:ro`);
  });

  it("points the Kafka UI at the services' broker, with the SASL mechanism the broker enables", () => {
    const ui = compose.services['kafka-ui']!.environment!;
    const service = compose.services['booking-service']!.environment!;
    const broker = compose.services['kafka']!.environment!;
    expect(ui['KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS']).toBe(service['KAFKA_BROKERS']);
    expect(ui['KAFKA_CLUSTERS_0_PROPERTIES_SASL_MECHANISM']).toBe(broker['KAFKA_SASL_ENABLED_MECHANISMS']);
    expect(ui['KAFKA_CLUSTERS_0_PROPERTIES_SASL_JAAS_CONFIG']).toContain('ScramLoginModule required username="kafka-ui"');
  });
});
