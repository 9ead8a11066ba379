// The size of a SQLite database as SQLite itself counts it (page count × page size, what a Durable
// Object's `ctx.storage.sql.databaseSize` reports and Cloudflare bills), read from its files
// without opening it. Local Durable Objects keep their recent commits in the write-ahead log
// (`<id>.sqlite-wal`) until a checkpoint, which small databases rarely reach, so the main file's
// size says little: the newest commit frame in the log says how many pages the database has.
// Formats: https://www.sqlite.org/fileformat2.html (database header, WAL file format).
import { readFileSync } from "node:fs";

const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;

/** Page size and page count from a database file's 100-byte header; null if the file is empty. */
function mainFilePages(db) {
  if (db.length < 100) return null;
  const raw = db.readUInt16BE(16);
  const pageSize = raw === 1 ? 65_536 : raw;
  // The in-header page count is valid only when the change counter matches "version-valid-for".
  const headerCountValid = db.readUInt32BE(24) === db.readUInt32BE(92) && db.readUInt32BE(28) > 0;
  return { pageSize, pages: headerCountValid ? db.readUInt32BE(28) : Math.ceil(db.length / pageSize) };
}

/**
 * The page count after the newest commit in a WAL, or null when it holds none. Frames belong to
 * the log's current generation when their salts match the header's; the valid ones are a prefix.
 */
function walPages(wal) {
  if (wal.length < WAL_HEADER_BYTES) return null;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let pages = null;
  for (let at = WAL_HEADER_BYTES; at + WAL_FRAME_HEADER_BYTES + pageSize <= wal.length; at += WAL_FRAME_HEADER_BYTES + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break;
    const afterCommit = wal.readUInt32BE(at + 4); // non-zero only on a transaction's last frame
    if (afterCommit > 0) pages = afterCommit;
  }
  return pages === null ? null : { pageSize, pages };
}

function readOrEmpty(path) {
  try {
    return readFileSync(path);
  } catch (error) {
    if (error?.code === "ENOENT") return Buffer.alloc(0);
    throw error;
  }
}

/** Bytes of the database at `path` (a `.sqlite` file, its `-wal` beside it) as of its last commit. */
export function sqliteDatabaseBytes(path) {
  const found = walPages(readOrEmpty(`${path}-wal`)) ?? mainFilePages(readOrEmpty(path));
  return found ? found.pages * found.pageSize : 0;
}
