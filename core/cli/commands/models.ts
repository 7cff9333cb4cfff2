import { listInstalledModels, pretrainedSearchDirectories } from '../../ml/pretrained/loader.js';
import { installModel, removeModel } from '../../ml/pretrained/install.js';
import type { InstalledModel } from '../../ml/pretrained/types.js';
import { defineCommand, UsageError } from '../command.js';

export const summary = 'models [add PATH|URL [--sha256 X] | remove ID]: the pretrained backbones installed, and which is active';

const USAGE = `usage: timbre models [--json]
       timbre models add PATH|URL [--sha256 HEX]
       timbre models remove ID

Pretrained backbones (e.g. msd-musicnn-1, the MusiCNN tagger) are looked for in TIMBRE_PRETRAINED_DIR,
then in the user's data folder (<data dir>/pretrained/<id>). The first one whose files match Timbre's
catalogue (sha256 of every file, the graph's input spec) is active: the scan then computes its tags
and embedding for every track.
  add PATH|URL   PATH: a model folder or its model.json; URL: the http(s) address of model.json, its
                 weight files beside it. Copied or downloaded into the data folder; every file's
                 checksum is checked, and nothing is installed unless all match.
  --sha256 HEX   the sha256 the model.json named must have (as the publisher gives it)
  remove ID      delete an installed model from the data folder (add it again to undo)`;

const spec = {
  name: 'models',
  usage: USAGE,
  options: { json: { type: 'boolean', default: false }, sha256: { type: 'string' } },
  positionals: { name: 'arguments', max: 2 },
} as const;

export const run = defineCommand(spec, async ({ values, positionals }) => {
  const [action, argument] = positionals;
  if (action === undefined || action === 'list') {
    if (argument !== undefined) throw new UsageError(`unexpected argument '${argument}'`);
    const models = await listInstalledModels();
    if (values.json) console.log(JSON.stringify({ searched: pretrainedSearchDirectories(), models }, null, 2));
    else printList(models);
    return 0;
  }
  if (action === 'add') {
    if (!argument) throw new UsageError('models add needs PATH or URL');
    if (values.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(values.sha256)) throw new UsageError('--sha256 takes 64 hexadecimal digits');
    const installed = await installModel(argument, { sha256: values.sha256, onProgress: (message) => console.error(`timbre models: ${message}`) });
    if (values.json) console.log(JSON.stringify(installed, null, 2));
    else console.log(`installed ${installed.id} in ${installed.folder}${installed.active ? ' (active)' : ' (not active: another model comes first)'}`);
    return 0;
  }
  if (action === 'remove') {
    if (!argument) throw new UsageError('models remove needs the model ID');
    if (values.sha256 !== undefined) throw new UsageError('--sha256 goes with add');
    const removed = await removeModel(argument);
    if (values.json) console.log(JSON.stringify(removed, null, 2));
    else console.log(`removed ${removed.id} from ${removed.folder} (timbre models add brings it back)`);
    return 0;
  }
  throw new UsageError(`unknown action '${action}': list, add or remove`);
});

function printList(models: InstalledModel[]): void {
  if (models.length === 0) {
    console.log(`no pretrained models installed (looked in ${pretrainedSearchDirectories().map((entry) => entry.directory).join(', ')})`);
    return;
  }
  for (const model of models) {
    const state = model.active ? 'active' : model.problems.length ? 'REFUSED' : 'installed';
    console.log(`${state.padEnd(9)} ${model.id.padEnd(16)} ${model.folder} (${model.origin === 'env' ? 'TIMBRE_PRETRAINED_DIR' : 'data folder'})`);
    for (const problem of model.problems) console.log(`          ${problem}`);
    if (model.licence) console.log(`          licence: ${model.licence}`);
  }
}
