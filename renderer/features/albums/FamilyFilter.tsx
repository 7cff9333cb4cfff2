import type { GenreFamilyCount } from '../../../core/api/contract.js';
import { numberFormat } from '../../components/format.js';

/** The genre-family filter of the albums and artists listings. */
export function FamilyFilter({ families, value, onChange }: { families: GenreFamilyCount[]; value: string | null; onChange(value: string | null): void }) {
  return (
    <select className="select" aria-label="Genre family" value={value ?? ''} onChange={(event) => onChange(event.target.value || null)}>
      <option value="">All genres</option>
      {families.map((family) => (
        <option key={family.id} value={family.id}>
          {family.name} ({numberFormat.format(family.count)})
        </option>
      ))}
    </select>
  );
}
