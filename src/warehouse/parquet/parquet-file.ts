import { ByteWriter, ParquetWriter } from "hyparquet-writer/src/index.js";
import { coerceValue, type PhysicalValue } from "./coerce-value";
import { parquetSchema } from "./parquet-schema";
import type { WarehouseColumn, WarehouseRow } from "./types";

/**
 * Rows per row group unless told otherwise. Engines skip whole row groups by their min/max
 * statistics, and larger groups mean fewer, larger reads; but the builder holds one group's values
 * as JS values until it encodes them, and a Worker has 128 MB. For a 39-column event table
 * (`npm run bench`, section warehouse) a group of 25,000 rows holds about 37 MB at its peak, of
 * 100,000 about 104 MB: too close to the limit.
 */
export const DEFAULT_ROW_GROUP_SIZE = 25_000;

export interface ParquetFileOptions {
  /** Rows per row group (the last one may be smaller). */
  rowGroupSize?: number;
}

/**
 * Builds one Parquet file from rows appended in any number of calls: snappy-compressed, with
 * min/max/null-count statistics per column chunk, the same bytes for the same rows and options.
 *
 * Memory: at most one row group of coerced column values (rows themselves are not kept, so a
 * caller that reads its input in chunks holds one chunk of row objects at a time), plus the
 * encoded file, which grows in one buffer (up to twice its size while it doubles) until
 * `finish()`: hyparquet-writer encodes into memory, and R2's `put` takes a whole object. An hour of
 * 1,000,000 tracks is a file of about 6 MB.
 */
export class ParquetFileBuilder {
  readonly #columns: readonly WarehouseColumn[];
  readonly #rowGroupSize: number;
  readonly #bytes = new ByteWriter();
  readonly #writer: ParquetWriter;
  /** The current row group, one array of values per column. */
  #pending: PhysicalValue[][];
  #rows = 0;
  #finished = false;

  constructor(columns: readonly WarehouseColumn[], options: ParquetFileOptions = {}) {
    const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
    if (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1) throw new Error(`rowGroupSize must be a positive integer, got ${rowGroupSize}`);
    const schema = parquetSchema(columns);
    this.#columns = columns;
    this.#rowGroupSize = rowGroupSize;
    // createdBy is fixed (no version, no time) so that a rewrite of a partition is byte-identical.
    this.#writer = new ParquetWriter({ writer: this.#bytes, schema, codec: "SNAPPY", statistics: true, createdBy: "sluice" });
    this.#pending = this.#emptyGroup();
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.#rows;
  }

  /** Rows held as values, waiting for their row group to be encoded. */
  get pendingRows(): number {
    return this.#pending[0]?.length ?? 0;
  }

  /** Values held (pending rows × columns): what a writer of several files at once budgets. */
  get pendingValues(): number {
    return this.pendingRows * this.#columns.length;
  }

  /** Encodes the rows held now as a row group, smaller than the usual size: for a caller bounding its memory. */
  flushRowGroup(): void {
    if (this.#finished) throw new Error("ParquetFileBuilder: flushRowGroup after finish()");
    this.#flushGroup();
  }

  /** Adds rows; every full row group is encoded as soon as it fills. Throws WarehouseValueError on a value its column cannot hold. */
  appendRows(rows: Iterable<WarehouseRow>): void {
    if (this.#finished) throw new Error("ParquetFileBuilder: appendRows after finish()");
    const columns = this.#columns;
    const values = new Array<PhysicalValue>(columns.length);
    for (const row of rows) {
      // Coerce the whole row before keeping any of it, so a throw leaves the group consistent.
      for (let index = 0; index < columns.length; index++) values[index] = coerceValue(columns[index]!, row[columns[index]!.name], this.#rows);
      for (let index = 0; index < columns.length; index++) this.#pending[index]!.push(values[index]!);
      this.#rows++;
      if (this.#pending[0]!.length === this.#rowGroupSize) this.#flushGroup();
    }
  }

  /** Encodes the last row group and the footer; returns the file's bytes. */
  finish(): Uint8Array {
    if (this.#finished) throw new Error("ParquetFileBuilder: finish() called twice");
    this.#finished = true;
    this.#flushGroup();
    void this.#writer.finish(); // ByteWriter's finish is synchronous: it returns nothing to wait for
    return new Uint8Array(this.#bytes.getBuffer());
  }

  #flushGroup(): void {
    const size = this.#pending[0]!.length;
    if (size === 0) return;
    const columnData = this.#columns.map((column, index) => ({ name: column.name, data: this.#pending[index]! }));
    // One write per group: ParquetWriter makes each write at least one row group. It returns a
    // promise only when its writer's flush does, and ByteWriter has no flush.
    void this.#writer.write({ columnData, rowGroupSize: size });
    this.#pending = this.#emptyGroup();
  }

  #emptyGroup(): PhysicalValue[][] {
    return this.#columns.map(() => []);
  }
}

/** The Parquet file of `rows` in `columns`' order and types; a missing value is null. */
export function writeParquetFile(columns: WarehouseColumn[], rows: WarehouseRow[], options?: ParquetFileOptions): Uint8Array {
  const builder = new ParquetFileBuilder(columns, options);
  builder.appendRows(rows);
  return builder.finish();
}
