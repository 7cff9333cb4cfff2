import { openDatabase } from '../../db/open.js';
import { PredictionsRepo } from '../../db/repos/predictions.js';
import { RetrainService } from '../../retrain/service.js';
import type { ConfusionReport } from '../../retrain/types.js';
import { defineCommand, integerOption } from '../command.js';
import { libraryPath } from './options.js';

export const summary = 'confusion [--db F] [--version ID] [--json]: predicted vs confirmed genres, precision, recall, kappa';

const USAGE = `usage: timbre confusion [--db FILE] [--version ID] [--json]
  The confusion matrix of a model version (default: the active one) over the tracks with a confirmed
  genre: rows are the first confirmed genre, columns the version's prediction; per-genre precision and
  recall, accuracy and Cohen's kappa.
  Every figure is held out: a version retrained from fixes is judged on its training tracks' out-of-fold
  predictions (made during the retrain by heads that never saw the track's artist) and on tracks
  confirmed since; its agreement with its own training tracks is printed apart, as what it is.`;

const options = { db: { type: 'string' }, version: { type: 'string' }, json: { type: 'boolean' } } as const;

export const run = defineCommand({ name: 'confusion', usage: USAGE, options }, async ({ values }) => {
  const versionId = integerOption(values.version, '--version');
  const db = openDatabase(libraryPath(values.db, { mustExist: true }));
  try {
    const service = new RetrainService({ db, predictions: new PredictionsRepo(db), events: { emit: () => {} } });
    const report = service.confusion(versionId);
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return 0;
  } catch (error) {
    console.error(`timbre confusion: ${(error as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
});

function formatReport(report: ConfusionReport): string {
  const lines = [`#${report.versionId} ${report.versionName}: ${report.tracks} confirmed track${report.tracks === 1 ? '' : 's'}, ${basisText(report)}`];
  const figure = (value: number | null) => (value === null ? '—' : value.toFixed(3));
  const training = report.trainingAgreement
    ? `agreement with its own ${report.trainingAgreement.tracks} training tracks (how well it fits them, not accuracy): ${figure(report.trainingAgreement.accuracy)}`
    : null;
  if (report.tracks === 0) return [...lines, ...(training ? [training] : [])].join('\n');
  const width = Math.max(8, ...report.labels.map((label) => label.length)) + 2;
  lines.push('', `${'confirmed ↓ / predicted →'.padEnd(width)}${report.labels.map((label) => label.padStart(width)).join('')}`);
  report.labels.forEach((label, i) => lines.push(`${label.padEnd(width)}${report.counts[i].map((count) => String(count).padStart(width)).join('')}`));
  lines.push('', `${'genre'.padEnd(width)}${'precision'.padStart(11)}${'recall'.padStart(9)}${'support'.padStart(9)}`);
  for (const stats of report.perClass) {
    lines.push(`${stats.genre.padEnd(width)}${figure(stats.precision).padStart(11)}${figure(stats.recall).padStart(9)}${String(stats.support).padStart(9)}`);
  }
  lines.push('', `held-out accuracy ${figure(report.accuracy)}, Cohen's kappa ${figure(report.kappa)}`);
  if (training) lines.push(training);
  return lines.join('\n');
}

/** What the figures rest on, in words. */
function basisText({ basis }: ConfusionReport): string {
  if (basis.kind === 'shipped-model') return 'predicted by the shipped model, which never saw them';
  const parts = [`${basis.outOfFold} predicted out of fold${basis.folds ? ` (${basis.folds} folds over ${basis.groups} artist groups)` : ''}`];
  if (basis.unseen > 0) parts.push(`${basis.unseen} confirmed since the retrain`);
  if (basis.withoutHeldOut > 0) parts.push(`${basis.withoutHeldOut} training tracks left out (too few to validate)`);
  return parts.join(', ');
}
