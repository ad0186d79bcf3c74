/**
 * Whether the environment asks for traces, by the standard OTEL_* variables: an exporter named
 * in OTEL_TRACES_EXPORTER (other than `none`), or an OTLP endpoint, and OTEL_SDK_DISABLED not
 * `true`. Unlike the SDK's own default (an OTLP exporter to localhost:4318), nothing configured
 * means off: a service that nobody collects traces from starts no SDK at all.
 */
export function tracingRequested(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  const exporters = env['OTEL_TRACES_EXPORTER'];
  if (exporters !== undefined && exporters.trim() !== '') {
    return exporters.split(',').some((name) => {
      const exporter = name.trim().toLowerCase();
      return exporter !== '' && exporter !== 'none';
    });
  }
  return Boolean(env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim() || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim());
}
