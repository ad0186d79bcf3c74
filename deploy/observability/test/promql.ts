import { parser } from '@prometheus-io/lezer-promql';

export interface ParsedExpression {
  /** Where the parser gave up or skipped, if anywhere: a syntax error. */
  readonly errorAt: number | null;
  /** The metric names its selectors name. */
  readonly metrics: readonly string[];
}

/**
 * Parses PromQL with Prometheus' own grammar (the one its web UI uses). Grafana's
 * `$__rate_interval` is replaced by a duration first: Grafana substitutes it before Prometheus
 * sees the query.
 */
export function parsePromQL(source: string): ParsedExpression {
  const text = source.replaceAll('$__rate_interval', '1m');
  let errorAt: number | null = null;
  const metrics: string[] = [];
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError) errorAt ??= node.from;
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier');
        if (identifier) metrics.push(text.slice(identifier.from, identifier.to));
      }
    },
  });
  return { errorAt, metrics };
}
