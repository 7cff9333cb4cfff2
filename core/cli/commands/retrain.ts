import { openDatabase } from '../../db/open.js';
import { PredictionsRepo } from '../../db/repos/predictions.js';
import { RetrainService } from '../../retrain/service.js';
import type { ModelVersionInfo, RetrainProgress } from '../../retrain/types.js';
import { defineCommand, integerOption, UsageError } from '../command.js';
import { libraryPath } from './options.js';
import { ProgressBar, progressBarText } from './progress-bar.js';

export const summary = 'retrain [--db F] [--json] | --list | --rollback ID: learn from your confirmed genres; model versions';

const USAGE = `usage:
  timbre retrain [--db FILE] [--json]
      Retrains the genre model from the library's confirmed genres (the first confirmed genre of each
      track; genres you invented included): a head on the stored track embeddings, validated on
      held-out artists, stored as a new model version, made active, and every stored prediction
      refreshed from it. Progress on stderr.
  timbre retrain --list [--db FILE] [--json]        the model versions; * marks the active one
  timbre retrain --rollback ID [--db FILE] [--json] makes version ID active again (or forward), refreshing predictions`;

const options = { db: { type: 'string' }, json: { type: 'boolean' }, list: { type: 'boolean' }, rollback: { type: 'string' } } as const;

export const run = defineCommand({ name: 'retrain', usage: USAGE, options }, async ({ values }) => {
  if (values.list && values.rollback !== undefined) throw new UsageError('give --list or --rollback, not both');
  const rollbackId = integerOption(values.rollback, '--rollback') ?? null;

  const db = openDatabase(libraryPath(values.db, { mustExist: true }));
  const progressBar = new ProgressBar();
  const service = new RetrainService({
    db,
    predictions: new PredictionsRepo(db),
    events: {
      emit: (event, payload) => {
        if (event === 'retrain-progress' && !values.json) showProgress(payload as RetrainProgress, progressBar);
      },
    },
  });
  try {
    if (values.list) {
      printVersions(service.listVersions(), !!values.json);
      return 0;
    }
    if (rollbackId !== null) {
      const versions = await service.activate(rollbackId);
      if (values.json) console.log(JSON.stringify(versions, null, 2));
      else {
        console.log(`version #${rollbackId} is active; stored predictions refreshed`);
        printVersions(versions, false);
      }
      return 0;
    }
    const started = performance.now();
    const { jobId } = service.start();
    const result = await service.whenDone(jobId);
    const seconds = (performance.now() - started) / 1000;
    const version = service.listVersions().find((candidate) => candidate.id === result.versionId) ?? null;
    if (values.json) console.log(JSON.stringify({ ...result, seconds, version }, null, 2));
    else if (result.state === 'done') console.log(`${describe(version!)} — ${seconds.toFixed(1)} s`);
    if (result.state === 'failed') {
      if (!values.json) console.error(`timbre retrain: ${result.message}`);
      return 1;
    }
    return 0;
  } catch (error) {
    console.error(`timbre retrain: ${(error as Error).message}`);
    return 1;
  } finally {
    db.close();
  }
});

function showProgress(progress: RetrainProgress, progressBar: ProgressBar): void {
  // A running or failed step is not done; a failure's reason follows as the command's error.
  const done = progress.state === 'done' ? progress.steps : progress.step - 1;
  const message = progress.state === 'failed' ? 'failed' : progress.message;
  const line = `${progressBarText(Math.max(0, done) / progress.steps)} ${progress.step}/${progress.steps} ${message}`;
  if (progress.state === 'running') progressBar.draw(line, true);
  else progressBar.finish(line);
}

function printVersions(versions: ModelVersionInfo[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify(versions, null, 2));
    return;
  }
  if (versions.length === 0) console.log('no model versions yet: analyse some tracks first');
  for (const version of versions) console.log(`${version.active ? '*' : ' '} ${describe(version)}`);
}

function describe(version: ModelVersionInfo): string {
  const when = new Date(version.createdAt).toISOString().slice(0, 16).replace('T', ' ');
  const parts = [`#${version.id} ${version.name} (${when})`];
  if (version.trainedOn > 0) parts.push(`trained on ${version.trainedOn} confirmed track${version.trainedOn === 1 ? '' : 's'}`);
  if (version.validation) {
    const { accuracy, tracks, kappa } = version.validation;
    parts.push(`artist-grouped validation accuracy ${accuracy.toFixed(3)}, kappa ${kappa.toFixed(3)} on ${tracks} tracks`);
  }
  parts.push(`genres: ${version.labels.join(', ')}`);
  return parts.join('; ');
}
