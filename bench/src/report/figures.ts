// The bench's results model: which supervisors are compared, and one Figure per measured quantity
// with a value (or the reason it was not measured) for each of them.

export const SUPERVISORS = ["vigil", "supervisord", "pm2"] as const;
export type SupervisorName = (typeof SUPERVISORS)[number];
/** What Vigil is compared against; ratios are to the best of these. */
export const PEERS: readonly SupervisorName[] = ["supervisord", "pm2"];

export const UNITS = ["ms", "s", "MiB", "% of a core", "count", "lines"] as const;
export type Unit = (typeof UNITS)[number];

export interface Figure {
  /** Section of the report, e.g. "agent, N = 100". */
  readonly section: string;
  readonly metric: string;
  readonly unit: Unit;
  /** null: neither direction is better (e.g. when a crash loop gives up): no ratio is shown. */
  readonly lowerIsBetter: boolean | null;
  readonly values: Partial<Record<SupervisorName, number | null>>;
  /** Why a value is missing, or what qualifies it. */
  readonly notes?: Partial<Record<SupervisorName, string>>;
}

/** Collects figures as the scenarios produce them. */
export class FigureLog {
  readonly figures: Figure[] = [];

  add(figure: Figure): void {
    const existing = this.figures.find((f) => f.section === figure.section && f.metric === figure.metric);
    if (!existing) {
      this.figures.push({ ...figure, values: { ...figure.values }, notes: { ...figure.notes } });
      return;
    }
    Object.assign(existing.values, figure.values);
    Object.assign(existing.notes ?? {}, figure.notes);
  }

  /** Records one supervisor's value of a figure. */
  set(section: string, metric: string, unit: Unit, lowerIsBetter: boolean | null, who: SupervisorName, value: number | null, note?: string): void {
    this.add({ section, metric, unit, lowerIsBetter, values: { [who]: value }, notes: note === undefined ? {} : { [who]: note } });
  }

  note(section: string, metric: string, who: SupervisorName): string | undefined {
    return this.figures.find((f) => f.section === section && f.metric === metric)?.notes?.[who];
  }

  value(section: string, metric: string, who: SupervisorName): number | null {
    return this.figures.find((f) => f.section === section && f.metric === metric)?.values[who] ?? null;
  }
}
