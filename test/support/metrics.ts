import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';

/** A scrape of /metrics, read by a parser of the Prometheus text format. */
export class Scrape {
  private constructor(readonly families: Map<string, ParsedFamily>) {}

  static async of(url: string, token?: string): Promise<Scrape> {
    const response = await fetch(`${url}/metrics`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    if (response.status !== 200) {
      throw new Error(`/metrics answered ${response.status}`);
    }
    const families = parsePrometheusTextFormat(await response.text());
    return new Scrape(new Map(families.map((family) => [family.name, family])));
  }

  /** The value of the sample of `name` whose labels include `labels` (0 when there is none). */
  value(name: string, labels: Record<string, string> = {}): number {
    const sample = this.families
      .get(name)
      ?.metrics.find((candidate) =>
        Object.entries(labels).every(([key, value]) => candidate.labels?.[key] === value),
      );
    return Number(sample?.value ?? sample?.count ?? 0);
  }

  /** The label values `label` takes among the samples of `name`. */
  labelValues(name: string, label: string): string[] {
    return (this.families.get(name)?.metrics ?? []).flatMap((sample) =>
      sample.labels?.[label] === undefined ? [] : [sample.labels[label]],
    );
  }
}
