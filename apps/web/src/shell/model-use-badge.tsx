import { Link } from 'react-router';
import { getFragmentData, graphql, type FragmentType } from '../gql/index.js';

export const ModelUseBadgeFragment = graphql(`
  fragment ModelUseBadge_ModelVersion on ModelVersion {
    id
    name
    version
    intendedUse
    isNotForClinicalUse
  }
`);

/** "Research/demo model — not for clinical use", shown wherever a model's output is, when its intended use says so. */
export function ModelUseBadge({ model, link = true }: { model: FragmentType<typeof ModelUseBadgeFragment>; link?: boolean }) {
  const m = getFragmentData(ModelUseBadgeFragment, model);
  if (!m.isNotForClinicalUse) return null;
  const text = 'Research/demo model — not for clinical use';
  return (
    <span className="badge badge-warning" role="note" title={`${m.name} ${m.version}: ${m.intendedUse}`} data-testid="not-for-clinical-use">
      {link ? <Link to={`/models/${m.id}`}>{text}</Link> : text}
    </span>
  );
}
