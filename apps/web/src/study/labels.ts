/** Display names of the model's labels (the clinicians' words). Unknown labels are humanised from snake_case. */
const NAMES: Readonly<Record<string, string>> = {
  healthy: 'Healthy',
  minor_strain: 'Minor strain',
  partial_rupture: 'Partial rupture',
  complete_rupture: 'Complete rupture',
};

export function humaniseLabel(label: string): string {
  const known = NAMES[label];
  if (known) return known;
  const words = label.replace(/[_-]+/g, ' ').trim();
  return words.length > 0 ? words.charAt(0).toUpperCase() + words.slice(1) : label;
}

/** The four labels of the bundled model, in output order (healthy first): the diagnosis choices without a finding. */
export const DEFAULT_LABELS: readonly string[] = ['healthy', 'minor_strain', 'partial_rupture', 'complete_rupture'];

export function formatPercent(p: number): string {
  return `${(Math.round(p * 1000) / 10).toFixed(1)}%`;
}
