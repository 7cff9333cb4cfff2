export type { BackboneFeatures, BackboneInputSpec, CatalogueEntry, InstalledModel } from './types.js';
export { Backbone, activeBackbone, computeBackboneFeatures, forgetActiveBackbone, loadBackbone } from './backbone.js';
export { PRETRAINED_CATALOGUE, MSD_MUSICNN_TAGS, catalogueEntry } from './catalogue.js';
export { fileBackboneFeatures } from './dataset-features.js';
export {
  PretrainedModelMismatchError,
  checkModelFolder,
  listInstalledModels,
  loadModelFolder,
  pretrainedSearchDirectories,
  userPretrainedDirectory,
} from './loader.js';
export { MUSICNN_INPUT_SPEC, musicnnLogMel } from './musicnn-input.js';
