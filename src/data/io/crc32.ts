/** CRC-32 (IEEE 802.3, as in PNG and zlib), table-driven; `zlib.crc32` is missing before Node 20.15. */

let TABLE: Uint32Array | undefined;

function table(): Uint32Array {
  if (!TABLE) {
    TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      TABLE[n] = c >>> 0;
    }
  }
  return TABLE;
}

/** The CRC-32 of the concatenation of `parts`. */
export function crc32(...parts: Uint8Array[]): number {
  const t = table();
  let c = 0xffffffff;
  for (const b of parts) for (let i = 0; i < b.length; i++) c = t[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
