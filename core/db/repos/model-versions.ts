import type { Db } from '../open.js';
import type { HeadParameters } from '../../retrain/head.js';
import type { HeadValidation } from '../../retrain/types.js';
import type { ModelRef } from './predictions.js';

/** One row of model_versions (migration 0006), parsed. */
export interface ModelVersionRow extends ModelRef {
  id: number;
  name: string;
  labels: string[];
  /** Null for the shipped model itself. */
  head: HeadParameters | null;
  trainedOn: number;
  validation: HeadValidation | null;
  training: Record<string, unknown> | null;
  active: boolean;
  createdAt: number;
}

interface RawVersion {
  id: number;
  modelId: string;
  modelVersion: string;
  name: string;
  labels: string;
  head: string | null;
  trainedOn: number;
  validation: string | null;
  training: string | null;
  active: number;
  createdAt: number;
}

const COLUMNS = `id, model_id AS modelId, model_version AS modelVersion, name, labels, head, trained_on AS trainedOn,
                 validation, training, active, created_at AS createdAt`;

/** The model versions of a library: the shipped models' own and the heads retrained from fixes. */
export class ModelVersionsRepo {
  private readonly listStmt;
  private readonly getStmt;
  private readonly activeIdStmt;
  private readonly baseIdStmt;
  private readonly insertStmt;
  private readonly clearActiveStmt;
  private readonly setActiveStmt;
  private readonly headCountStmt;

  constructor(private readonly db: Db) {
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM model_versions ORDER BY id`);
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM model_versions WHERE id = ?`);
    this.activeIdStmt = db.prepare('SELECT id FROM model_versions WHERE active = 1').pluck();
    this.baseIdStmt = db.prepare('SELECT id FROM model_versions WHERE model_id = ? AND model_version = ? AND head IS NULL').pluck();
    this.insertStmt = db.prepare(`
      INSERT INTO model_versions (model_id, model_version, name, labels, head, trained_on, validation, training, created_at)
      VALUES (@modelId, @modelVersion, @name, @labels, @head, @trainedOn, @validation, @training, @createdAt)`);
    this.clearActiveStmt = db.prepare('UPDATE model_versions SET active = 0 WHERE active = 1');
    this.setActiveStmt = db.prepare('UPDATE model_versions SET active = 1 WHERE id = ?');
    this.headCountStmt = db.prepare('SELECT count(*) FROM model_versions WHERE model_id = ? AND model_version = ? AND head IS NOT NULL').pluck();
  }

  list(): ModelVersionRow[] {
    return (this.listStmt.all() as RawVersion[]).map(parse);
  }

  get(id: number): ModelVersionRow | null {
    const raw = this.getStmt.get(id) as RawVersion | undefined;
    return raw ? parse(raw) : null;
  }

  /** The active version's id: a cheap check callers use to notice a change made by another process. */
  activeId(): number | null {
    return (this.activeIdStmt.get() as number | undefined) ?? null;
  }

  active(): ModelVersionRow | null {
    const id = this.activeId();
    return id === null ? null : this.get(id);
  }

  /** The shipped model's own version, created on first sight. */
  ensureBase(model: ModelRef, labels: readonly string[], now = Date.now()): number {
    const existing = this.baseIdStmt.get(model.modelId, model.modelVersion) as number | undefined;
    if (existing !== undefined) return existing;
    return this.insert({ ...model, name: `${model.modelId} ${model.modelVersion}`, labels, head: null, trainedOn: 0, validation: null, training: null }, now);
  }

  /** Stores a head trained on `model`'s embeddings, named "<model> <version> + fixes #n". */
  insertHead(
    model: ModelRef,
    head: HeadParameters,
    report: { trainedOn: number; validation: HeadValidation | null; training: Record<string, unknown> },
    now = Date.now(),
  ): number {
    const number = (this.headCountStmt.get(model.modelId, model.modelVersion) as number) + 1;
    const name = `${model.modelId} ${model.modelVersion} + fixes #${number}`;
    return this.insert({ ...model, name, labels: head.labels, head, ...report }, now);
  }

  setActive(id: number): void {
    this.db.transaction(() => {
      this.clearActiveStmt.run();
      if (this.setActiveStmt.run(id).changes === 0) throw new Error(`no model version ${id}`);
    })();
  }

  private insert(
    version: ModelRef & { name: string; labels: readonly string[]; head: HeadParameters | null; trainedOn: number; validation: HeadValidation | null; training: Record<string, unknown> | null },
    now: number,
  ): number {
    const result = this.insertStmt.run({
      modelId: version.modelId,
      modelVersion: version.modelVersion,
      name: version.name,
      labels: JSON.stringify(version.labels),
      head: version.head ? JSON.stringify(version.head) : null,
      trainedOn: version.trainedOn,
      validation: version.validation ? JSON.stringify(version.validation) : null,
      training: version.training ? JSON.stringify(version.training) : null,
      createdAt: now,
    });
    return Number(result.lastInsertRowid);
  }
}

function parse(raw: RawVersion): ModelVersionRow {
  return {
    ...raw,
    labels: JSON.parse(raw.labels) as string[],
    head: raw.head ? (JSON.parse(raw.head) as HeadParameters) : null,
    validation: raw.validation ? (JSON.parse(raw.validation) as HeadValidation) : null,
    training: raw.training ? (JSON.parse(raw.training) as Record<string, unknown>) : null,
    active: raw.active === 1,
  };
}
