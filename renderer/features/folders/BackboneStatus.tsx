import { useEffect } from 'react';
import { usePretrainedStore } from '../../stores/pretrained.js';

/** One line under the scan status: which pretrained backbone the scan uses, if any (`timbre models`). */
export function BackboneStatus() {
  const { models, error, load } = usePretrainedStore();
  useEffect(() => {
    void load();
  }, [load]);
  if (error) return <p className="backbone-status" data-testid="backbone-status">Pretrained backbone: could not be read ({error})</p>;
  if (!models) return null;
  const active = models.find((model) => model.active);
  const refused = models.filter((model) => model.problems.length > 0);
  return (
    <p className="backbone-status" data-testid="backbone-status" title={active ? `${active.folder}\n${active.licence ?? ''}` : undefined}>
      {active ? `Pretrained backbone: ${active.id}` : 'No pretrained backbone (timbre models add)'}
      {refused.length > 0 && ` · ${refused.length} refused (timbre models)`}
    </p>
  );
}
