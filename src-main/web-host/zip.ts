/**
 * A minimal streaming ZIP writer (stored entries, no compression), so the web host can
 * offer every probe of a run as one download without holding a file in memory: each
 * entry's size and CRC follow its data in a data descriptor. Classic ZIP (no ZIP64): each
 * entry and the whole archive must stay under 4 GiB, which the writer checks.
 */
import zlib from 'node:zlib';

const LIMIT = 0xffffffff;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes` continuing from `crc` (zlib's when the runtime has it). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  if (native) return native(bytes, crc);
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** DOS date and time of `date` (local time, 2-second resolution). */
function dosTime(date: Date): { time: number; date: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

interface Entry {
  name: Buffer;
  offset: number;
  crc: number;
  size: number;
}

/** Writes a ZIP archive through `send` (which resolves once the bytes may be reused). */
export class ZipWriter {
  private offset = 0;
  private readonly entries: Entry[] = [];
  private readonly stamp = dosTime(new Date());

  constructor(private readonly send: (bytes: Uint8Array) => Promise<void>) {}

  private async out(bytes: Uint8Array): Promise<void> {
    this.offset += bytes.byteLength;
    if (this.offset > LIMIT) throw new Error('the archive would exceed 4 GiB; export the probes one at a time');
    await this.send(bytes);
  }

  /**
   * Adds an entry whose bytes `produce` hands to the given function, in order; each block
   * may be reused once that function's promise resolves.
   */
  async add(name: string, produce: (write: (bytes: Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
    const nameBytes = Buffer.from(name, 'utf8');
    const entry: Entry = { name: nameBytes, offset: this.offset, crc: 0, size: 0 };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0808, 6); // data descriptor follows; UTF-8 names
    header.writeUInt16LE(0, 8); // stored
    header.writeUInt16LE(this.stamp.time, 10);
    header.writeUInt16LE(this.stamp.date, 12);
    // crc and sizes (14..25) are zero: they follow in the data descriptor
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(0, 28);
    await this.out(Buffer.concat([header, nameBytes]));
    await produce(async (bytes) => {
      entry.crc = crc32(bytes, entry.crc);
      entry.size += bytes.byteLength;
      if (entry.size > LIMIT) throw new Error(`${name} would exceed 4 GiB; export it on its own`);
      await this.out(bytes);
    });
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc >>> 0, 4);
    descriptor.writeUInt32LE(entry.size, 8);
    descriptor.writeUInt32LE(entry.size, 12);
    await this.out(descriptor);
    this.entries.push(entry);
  }

  /** Writes the central directory; the archive is complete after this. */
  async finish(): Promise<void> {
    const start = this.offset;
    const parts: Buffer[] = [];
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(20, 4); // made by
      h.writeUInt16LE(20, 6); // needed
      h.writeUInt16LE(0x0808, 8);
      h.writeUInt16LE(0, 10);
      h.writeUInt16LE(this.stamp.time, 12);
      h.writeUInt16LE(this.stamp.date, 14);
      h.writeUInt32LE(e.crc >>> 0, 16);
      h.writeUInt32LE(e.size, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      // extra, comment, disk, internal and external attributes stay 0
      h.writeUInt32LE(e.offset, 42);
      parts.push(h, e.name);
    }
    const directory = Buffer.concat(parts);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(start, 16);
    await this.out(Buffer.concat([directory, end]));
  }
}
