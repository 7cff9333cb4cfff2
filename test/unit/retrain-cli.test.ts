import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { run as confusion } from '../../core/cli/commands/confusion.js';
import { openDatabase } from '../../core/db/open.js';
import { run as retrain } from '../../core/cli/commands/retrain.js';
import type { ConfusionReport, ModelVersionInfo } from '../../core/retrain/types.js';
import { confirmSome, makeLibrary } from './retrain-fixtures.js';

/** Runs a command, returning its exit code and what it printed on stdout. */
async function capture(command: (args: string[]) => Promise<number>, args: string[]): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...values: unknown[]) => void lines.push(values.join(' '));
  try {
    return { code: await command(args), stdout: lines.join('\n') };
  } finally {
    console.log = log;
  }
}

describe('timbre retrain / confusion', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'timbre-retrain-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('retrains, lists versions, rolls back, and reports the confusion of a version', async () => {
    const db = path.join(dir, 'library.db');
    const library = makeLibrary(8, db);
    confirmSome(library, 4);
    library.db.close();

    const trained = await capture(retrain, ['--db', db, '--json']);
    assert.equal(trained.code, 0);
    const result = JSON.parse(trained.stdout) as { state: string; versionId: number; version: ModelVersionInfo };
    assert.equal(result.state, 'done');
    assert.equal(result.version.name, 'genre-test 1.0.0 + fixes #1');
    assert.equal(result.version.trainedOn, 16);

    const listed = JSON.parse((await capture(retrain, ['--list', '--db', db, '--json'])).stdout) as ModelVersionInfo[];
    assert.deepEqual(listed.map((v) => [v.name, v.active]), [['genre-test 1.0.0', false], ['genre-test 1.0.0 + fixes #1', true]]);

    const text = await capture(retrain, ['--list', '--db', db]);
    assert.match(text.stdout, /^\* #2 genre-test 1\.0\.0 \+ fixes #1 .*trained on 16 confirmed tracks/m);

    const shipped = listed[0].id;
    const rolledBack = JSON.parse((await capture(retrain, ['--rollback', String(shipped), '--db', db, '--json'])).stdout) as ModelVersionInfo[];
    assert.equal(rolledBack.find((v) => v.active)!.id, shipped);

    const report = JSON.parse((await capture(confusion, ['--db', db, '--json'])).stdout) as ConfusionReport;
    assert.equal(report.versionId, shipped);
    assert.equal(report.tracks, 16);
    const headReport = JSON.parse((await capture(confusion, ['--db', db, '--version', String(result.versionId), '--json'])).stdout) as ConfusionReport;
    assert.equal(headReport.versionName, 'genre-test 1.0.0 + fixes #1');
    assert.ok(headReport.accuracy! > report.accuracy!);
    // Held out: the version's 16 training tracks, each predicted out of fold; its fit to them apart.
    assert.deepEqual(headReport.basis, { kind: 'held-out', outOfFold: 16, unseen: 0, withoutHeldOut: 0, folds: 5, groups: 8 });
    assert.equal(headReport.accuracy, result.version.validation!.accuracy);
    assert.equal(headReport.trainingAgreement!.tracks, 16);
    const headText = (await capture(confusion, ['--db', db, '--version', String(result.versionId)])).stdout;
    assert.match(headText, /^#2 genre-test 1\.0\.0 \+ fixes #1: 16 confirmed tracks, 16 predicted out of fold \(5 folds over 8 artist groups\)$/m);
    assert.match(headText, /^held-out accuracy \d\.\d{3}, Cohen's kappa /m);
    assert.match(headText, /^agreement with its own 16 training tracks \(how well it fits them, not accuracy\): \d\.\d{3}$/m);
    assert.match((await capture(confusion, ['--db', db])).stdout, /^#1 genre-test 1\.0\.0: 16 confirmed tracks, predicted by the shipped model, which never saw them$/m);
  });

  it('says what is wrong with its arguments', async () => {
    const db = path.join(dir, 'empty.db');
    const errors: string[] = [];
    const error = console.error;
    console.error = (...values: unknown[]) => void errors.push(values.join(' '));
    try {
      assert.equal(await retrain(['--list', '--db', db]), 1, 'a library that does not exist is not created');
      openDatabase(db).close();
      assert.equal(await retrain(['--list', '--rollback', '1', '--db', db]), 2);
      assert.equal(await retrain(['--rollback', 'x', '--db', db]), 2);
      assert.equal(await retrain(['--rollback', '7', '--db', db]), 1);
      assert.equal(await confusion(['--db', db]), 1);
      assert.equal(await retrain(['--db', db]), 1);
    } finally {
      console.error = error;
    }
    assert.match(errors.join('\n'), /no library database at .*empty\.db: run 'timbre scan FOLDER' first/);
    assert.match(errors.join('\n'), /no model version 7/);
    assert.match(errors.join('\n'), /there is no model version yet/);
    assert.match(errors.join('\n'), /no track has been analysed yet/);
  });
});
