import type { SimilarityReason } from '../../../core/api/contract.js';

/** One word per reason keeps a row on one line; the full reason ("close tempo (112 vs 117 BPM)") is its tooltip. The genre reason names the genre, so it stays whole. */
const SHORT_REASONS: Record<string, string> = {
  'close-tempo': 'tempo',
  'similar-timbre': 'timbre',
  'similar-brightness': 'brightness',
  'similar-energy': 'energy',
};

/** Why a track sounds like its seed, as chips; the match score when no reason applies. */
export function ReasonChips({ reasons, score }: { reasons: SimilarityReason[]; score: number | null }) {
  return (
    <ul className="reasons" aria-label="Why it is here">
      {reasons.map((reason) => (
        <li key={reason.code} className={`reason reason--${reason.code}`} title={reason.text} aria-label={reason.text}>
          {SHORT_REASONS[reason.code] ?? reason.text}
        </li>
      ))}
      {score !== null && reasons.length === 0 && <li className="reason reason--score">{`${Math.round(score * 100)}% match`}</li>}
    </ul>
  );
}
